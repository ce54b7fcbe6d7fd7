using System.CommandLine;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Hosting;
using PecLists.Functions.Lists;
using PecLists.Functions.Operations;
using PecLists.Functions.Sites;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Commands;

/// <summary>
/// The functions executable's commands. Without a command it serves (what the Functions host launches);
/// operator commands run against the central database named by ConnectionStrings__Central or --connection.
/// </summary>
public static class FunctionsCommandLine
{
    /// <summary>--as: the operator name the audit records (default: the OS user).</summary>
    private static readonly Option<string?> Actor = CliActor.Option();

    public static RootCommand Build()
    {
        var root = new RootCommand("Ingestion functions app (Azure Functions custom handler) and its operator commands.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((parse, ct) => FunctionsApp.RunAsync([.. parse.UnmatchedTokens], Console.Error, ct));

        var connection = new Option<string?>("--connection") { Description = "Central PostgreSQL connection string (default: ConnectionStrings__Central).", Recursive = true };
        root.Options.Add(connection);
        root.Options.Add(Actor);

        root.Subcommands.Add(MigrateCommand(connection));
        root.Subcommands.Add(SitesCommand(connection));
        root.Subcommands.Add(TokensCommand(connection));
        root.Subcommands.Add(ListsCommand(connection));
        root.Subcommands.Add(AdminCommand(connection));
        root.Subcommands.Add(ReplayCommand(connection));
        root.Subcommands.Add(SnapshotsCommand(connection));
        root.Subcommands.Add(FleetCommand(connection));
        root.Subcommands.Add(ReleaseCommands.Build(parse => Services(parse, connection), Actor));
        root.Subcommands.Add(Smoke());
        return root;
    }

    private static Command FleetCommand(Option<string?> connection)
    {
        var json = new Option<bool>("--json") { Description = "Print the rows as JSON (the admin API's shape) instead of a table." };
        var command = new Command("fleet", "Every site's status, failure category, last heartbeat and last load per list (docs/failure-catalog.md).") { json };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            var now = DateTimeOffset.UtcNow;
            var sites = await services.GetRequiredService<Snapshots.SnapshotLedger>().ReadFleetAsync(
                services.GetRequiredService<IOptions<Snapshots.FleetOptions>>().Value, now, ct);
            Console.WriteLine(parse.GetValue(json)
                ? System.Text.Json.JsonSerializer.Serialize(sites, FleetJson)
                : FleetTable.Render(sites, now));
            return 0;
        });
        return command;
    }

    /// <summary>`smoke`: a deployment's end-to-end check over its public API only (no database connection here).</summary>
    private static Command Smoke()
    {
        var endpoint = new Option<string>("--endpoint") { Description = "The function app's base URL, e.g. https://<app>.azurewebsites.net.", Required = true };
        var adminToken = new Option<string?>("--admin-token") { Description = "An operator token ('admin issue-token'); default: the SMOKE_ADMIN_TOKEN environment variable." };
        var site = new Option<string>("--site") { Description = $"The smoke site's IBGE code (default {SmokeCommand.DefaultSite}: state 99 does not exist).", DefaultValueFactory = _ => SmokeCommand.DefaultSite };
        var list = new Option<string?>("--list") { Description = "The list to PUT one row to (default: the first keyed list published)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the snapshot to load.", DefaultValueFactory = _ => 180 };
        var command = new Command("smoke", "Check a deployment end to end: health, a one-row snapshot for the smoke site loaded and read back, its token revoked. Publishes nothing.")
        {
            endpoint, adminToken, site, list, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var token = parse.GetValue(adminToken) ?? Environment.GetEnvironmentVariable("SMOKE_ADMIN_TOKEN");
            if (string.IsNullOrWhiteSpace(token) || !IbgeCode.IsValid(parse.GetValue(site))
                || !Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("https" or "http"))
            {
                Console.Error.WriteLine("smoke: needs an http(s) --endpoint, --admin-token (or SMOKE_ADMIN_TOKEN) and a 7-digit --site");
                return 1;
            }

            baseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
            return await new SmokeCommand(baseUri, token, parse.GetValue(site)!, parse.GetValue(list), TimeSpan.FromSeconds(parse.GetValue(timeout)), Console.Out).ExecuteAsync(ct);
        });
        return command;
    }

    private static readonly System.Text.Json.JsonSerializerOptions FleetJson = new(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true };

    private static Command MigrateCommand(Option<string?> connection)
    {
        var command = new Command("migrate", "Apply the central schema migrations (safe to re-run).");
        command.SetAction(parse =>
        {
            var outcome = Migrator.Migrate(CentralDatabase.GetConnectionString(Configuration(parse, connection)), Console.Out);
            if (!outcome.Succeeded)
            {
                Console.Error.WriteLine($"Migration failed: {outcome.Error}");
                return 1;
            }

            Console.WriteLine(outcome.Applied.Count == 0 ? "Schema is up to date." : $"Applied {outcome.Applied.Count} migration(s).");
            return 0;
        });
        return command;
    }

    private static Command SitesCommand(Option<string?> connection)
    {
        var ibge = new Option<string>("--ibge") { Description = "IBGE municipality code (7 digits).", Required = true };
        var name = new Option<string>("--name") { Description = "Municipality name.", Required = true };
        var add = new Command("add", "Add (or rename) a site.") { ibge, name };
        add.SetAction(async (parse, ct) =>
        {
            var site = parse.GetValue(ibge)!;
            if (!IbgeCode.IsValid(site))
            {
                Console.Error.WriteLine("--ibge must be the 7-digit IBGE code of the municipality.");
                return 2;
            }

            await using var services = Services(parse, connection);
            await services.GetRequiredService<SiteAdministration>().AddAsync(site, parse.GetValue(name)!, CliActor.Of(parse, Actor), ct);
            Console.WriteLine($"Site {site} added.");
            return 0;
        });
        var list = new Command("list", "List sites and how many live tokens each has.");
        list.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            foreach (var site in await services.GetRequiredService<SiteAdministration>().ListAsync(ct))
            {
                Console.WriteLine($"{site.Ibge}  {site.Name}  tokens={site.ActiveTokens}  since {site.CreatedAt:yyyy-MM-dd}");
            }

            return 0;
        });
        return new Command("sites", "Manage sites (municipalities).") { add, list };
    }

    private static Command TokensCommand(Option<string?> connection)
    {
        var site = new Option<string>("--site") { Description = "IBGE code of the site.", Required = true };
        var issue = new Command("issue", "Issue a new token for a site. The token is printed once and never stored.") { site };
        issue.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            var (tokenId, token) = await services.GetRequiredService<TokenAdministration>().IssueSiteTokenAsync(parse.GetValue(site)!, CliActor.Of(parse, Actor), ct);
            Console.Error.WriteLine($"Token {tokenId} issued for site {parse.GetValue(site)}. Store it now: it cannot be shown again.");
            Console.WriteLine(token);
            return 0;
        });

        var id = new Option<Guid>("--id") { Description = "Token id (printed when it was issued).", Required = true };
        var revoke = new Command("revoke", "Revoke a token at once.") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            var revoked = await services.GetRequiredService<TokenAdministration>().RevokeSiteTokenAsync(parse.GetValue(id), CliActor.Of(parse, Actor), ct);
            Console.WriteLine(revoked ? "Token revoked." : "No live token with that id.");
            return revoked ? 0 : 1;
        });
        return new Command("tokens", "Issue and revoke site tokens.") { issue, revoke };
    }

    private static Command ListsCommand(Option<string?> connection)
    {
        var file = new Option<FileInfo>("--file") { Description = "List definition JSON (see lists/*.json).", Required = true };
        var activate = new Option<bool>("--activate") { Description = "Make this version the active one.", DefaultValueFactory = _ => true };
        var publish = new Command("publish", "Add a version of a list definition and (by default) activate it.") { file, activate };
        publish.SetAction(async (parse, ct) =>
        {
            var definition = ListDefinitionFile.Read(parse.GetValue(file)!.FullName);
            await using var services = Services(parse, connection);
            var outcome = await services.GetRequiredService<ListPublishing>().PublishAsync(definition, parse.GetValue(activate), CliActor.Of(parse, Actor), ct);
            if (outcome.Verdict != ListPublishVerdict.Published)
            {
                PrintRefused($"List {definition.Name} v{definition.Version} not published", outcome);
                return outcome.Verdict == ListPublishVerdict.BadSignature ? 3 : 1;
            }

            Console.WriteLine($"List {definition.Name} v{definition.Version} published{(parse.GetValue(activate) ? " and active" : string.Empty)}.");
            return 0;
        });
        var name = new Option<string>("--name") { Description = "List name.", Required = true };
        var version = new Option<int>("--version") { Description = "Version to make active.", Required = true };
        var activateVersion = new Command("activate", "Make a published version the active one (the previous one stays in history).") { name, version };
        activateVersion.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            var outcome = await services.GetRequiredService<ListPublishing>().ActivateAsync(parse.GetValue(name)!, parse.GetValue(version), CliActor.Of(parse, Actor), ct);
            switch (outcome.Verdict)
            {
                case ListPublishVerdict.Published:
                    Console.WriteLine($"List {parse.GetValue(name)} v{parse.GetValue(version)} is now active.");
                    return 0;
                case ListPublishVerdict.UnknownVersion:
                    Console.WriteLine("No such list version; publish it first.");
                    return 1;
                default:
                    PrintRefused($"List {parse.GetValue(name)} v{parse.GetValue(version)} not activated", outcome);
                    return 1;
            }
        });
        var history = new Command("history", "Every published version and which one is active.");
        history.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            foreach (var item in await services.GetRequiredService<ListPublishing>().HistoryAsync(ct))
            {
                Console.WriteLine($"{item.Name} v{item.Version}{(item.Active ? "  (active)" : string.Empty)}  published {item.CreatedAt:yyyy-MM-dd HH:mm}");
            }

            return 0;
        });
        return new Command("lists", "Manage list definitions.") { publish, activateVersion, history, ListSigningCommands.Keygen(), ListSigningCommands.Sign() };
    }

    /// <summary>A refused publish or activation, one rule a line with its code (<c>[key-required] …</c>), on standard error.</summary>
    private static void PrintRefused(string what, ListPublishOutcome outcome)
    {
        Console.Error.WriteLine($"{what}:");
        foreach (var refusal in outcome.Refusals)
        {
            Console.Error.WriteLine($"  {refusal}");
        }
    }

    private static Command AdminCommand(Option<string?> connection)
    {
        var name = new Option<string>("--name") { Description = "Who the token is for (an operator or an automation).", Required = true };
        var issue = new Command("issue-token", "Issue an operator token for admin operations. Printed once, stored only as a hash.") { name };
        issue.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            var (tokenId, token) = await services.GetRequiredService<TokenAdministration>().IssueOperatorTokenAsync(parse.GetValue(name)!, CliActor.Of(parse, Actor), ct);
            Console.Error.WriteLine($"Admin token {tokenId} issued. Store it now: it cannot be shown again.");
            Console.WriteLine(token);
            return 0;
        });
        var tokenId = new Option<Guid>("--id") { Description = "Operator token id (printed when it was issued; see 'admin tokens').", Required = true };
        var revoke = new Command("revoke-token", "Revoke an operator token at once.") { tokenId };
        revoke.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            var revoked = await services.GetRequiredService<TokenAdministration>().RevokeOperatorTokenAsync(parse.GetValue(tokenId), CliActor.Of(parse, Actor), ct);
            Console.WriteLine(revoked ? "Operator token revoked." : "No live operator token with that id.");
            return revoked ? 0 : 1;
        });
        var tokens = new Command("tokens", "List operator tokens: id, name, created, revoked (never the token).");
        tokens.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            foreach (var token in await services.GetRequiredService<TokenAdministration>().ListOperatorTokensAsync(ct))
            {
                Console.WriteLine($"{token.TokenId}  {token.Name}  created {token.CreatedAt:yyyy-MM-dd HH:mm}  {(token.RevokedAt is { } at ? $"revoked {at:yyyy-MM-dd HH:mm}" : "live")}");
            }

            return 0;
        });
        return new Command("admin", "Operator credentials.") { issue, revoke, tokens };
    }

    private static Command ReplayCommand(Option<string?> connection)
    {
        var site = new Option<string?>("--site") { Description = "Only this site (IBGE code).", Recursive = true };
        var list = new Option<string?>("--list") { Description = "Only this list.", Recursive = true };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only snapshots extracted at or after this time (RFC 3339).", Recursive = true };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only snapshots extracted before this time (RFC 3339).", Recursive = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be replayed; change nothing.", Recursive = true };
        var includeRejected = new Option<bool>("--include-rejected") { Description = "blobs: give rejected snapshots another load (after fixing the cause on the server); dropped ones stay dropped.", Recursive = true };

        Command Source(string name, string description)
        {
            var command = new Command(name, description);
            command.SetAction(async (parse, ct) =>
            {
                await using var services = Services(parse, connection);
                var filter = new ReplayFilter(parse.GetValue(site), parse.GetValue(list), parse.GetValue(since), parse.GetValue(until), parse.GetValue(includeRejected));
                var report = await services.GetRequiredService<ReplayAdministration>().ReplayAsync(name, filter, parse.GetValue(dryRun), CliActor.Of(parse, Actor), ct);
                foreach (var item in report.Items)
                {
                    Console.WriteLine($"{item.SnapshotId} site={item.Site} list={item.List} extractedAt={item.ExtractedAt:O}");
                }

                Console.WriteLine(report.DryRun
                    ? $"dry run: {report.Items.Count} snapshot(s) would be replayed from {report.Source}"
                    : $"{report.Replayed} snapshot(s) replayed from {report.Source}");
                if (!report.Complete)
                {
                    Console.WriteLine("The pass stopped early to stay within its lease; run the same command again for the rest.");
                }

                return 0;
            });
            return command;
        }

        return new Command("replay", "Send failed loads back to the load queue.")
        {
            site, list, since, until, dryRun, includeRejected,
            Source(Replayer.Poison, "Move poison-queue messages back to the load queue."),
            Source(Replayer.Blobs, "Re-queue snapshots straight from Blob storage (the source of truth)."),
        };
    }

    private static Command SnapshotsCommand(Option<string?> connection)
    {
        var held = new Command("held", "Snapshots held by the mass-deletion guard, waiting for a decision.");
        held.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse, connection);
            var snapshots = await services.GetRequiredService<HeldSnapshots>().ListAsync(ct);
            var now = DateTimeOffset.UtcNow;
            foreach (var (s, since, _) in snapshots)
            {
                Console.WriteLine($"{s.SnapshotId} site={s.Site} list={s.List} extractedAt={s.ExtractedAt:O} code={s.ErrorCode} heldSince={since:O} waiting={FleetTable.Age(now, since)}");
                Console.WriteLine($"    {s.Reason}");
            }

            Console.WriteLine($"{snapshots.Count} held snapshot(s).");
            return 0;
        });

        Command Decide(string decision, string description)
        {
            var id = new Option<Guid>("--id") { Description = "Snapshot id (from 'snapshots held').", Required = true };
            var command = new Command(decision, description) { id };
            command.SetAction(async (parse, ct) =>
            {
                await using var services = Services(parse, connection);
                var done = await services.GetRequiredService<HeldSnapshots>().DecideAsync(parse.GetValue(id), decision, CliActor.Of(parse, Actor), ct);
                Console.WriteLine(done
                    ? decision == HeldSnapshots.Apply ? "Snapshot queued again; it will be applied without the guard." : "Snapshot dropped; the site's rows stay as they are."
                    : "No held snapshot with that id (unknown, or already applied or dropped).");
                return done ? 0 : 1;
            });
            return command;
        }

        return new Command("snapshots", "Decide on snapshots held by the mass-deletion guard.")
        {
            held,
            Decide(HeldSnapshots.Apply, "Apply a held snapshot anyway (the site's rows are replaced by it)."),
            Decide(HeldSnapshots.Drop, "Drop a held snapshot (rejected; the site's rows stay as they are)."),
        };
    }

    /// <summary>
    /// The backend's services over the same configuration the server reads (appsettings.json, then the environment),
    /// with --connection, when given, as the central connection string. Nothing connects until a command uses it.
    /// </summary>
    private static ServiceProvider Services(ParseResult parse, Option<string?> connection)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBackendServices(Configuration(parse, connection));
        return services.BuildServiceProvider();
    }

    private static IConfiguration Configuration(ParseResult parse, Option<string?> connection)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables();
        if (parse.GetValue(connection) is { } given)
        {
            configuration.AddInMemoryCollection([KeyValuePair.Create($"ConnectionStrings:{CentralDatabase.ConnectionName}", (string?)given)]);
        }

        return configuration.Build();
    }
}
