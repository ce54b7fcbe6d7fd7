using System.CommandLine;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Releases;

namespace PecLists.Functions.Commands;

/// <summary>
/// <c>releases …</c>: ship uploader builds to the fleet (docs/adr/0026-uploader-releases-and-rollout.md). Signing is
/// offline (<see cref="ReleaseSigningCommands"/>); publishing and the rollout run against the central database and the
/// release container, and only ever store what the operator's key signed.
/// </summary>
public static class ReleaseCommands
{
    /// <param name="services">The backend's services for a parsed command line (connection and settings).</param>
    /// <param name="actor">--as, for the audit.</param>
    public static Command Build(Func<ParseResult, ServiceProvider> services, Option<string?> actor)
    {
        return new Command("releases", "Sign, publish and roll out uploader releases; watch the rollout.")
        {
            ReleaseSigningCommands.Keygen(),
            ReleaseSigningCommands.Sign(),
            ReleaseSigningCommands.Resign(),
            Publish(services, actor, rollback: false),
            Publish(services, actor, rollback: true),
            Rollout(services, actor),
            RuntimeChange("promote", "Send the canary release to every site of the runtime.", services, actor, (r, runtime, who, ct) => r.PromoteAsync(runtime, who, ct)),
            RuntimeChange("halt", "Halt the runtime's rollout: no site is offered anything but its pin; sites stay where they are.", services, actor, (r, runtime, who, ct) => r.HaltAsync(runtime, who, ct)),
            RuntimeChange("resume", "Resume a halted rollout as it was.", services, actor, (r, runtime, who, ct) => r.ResumeAsync(runtime, who, ct)),
            Pin(services, actor),
            Unpin(services, actor),
            Clear(services, actor),
            List(services),
            Download(services),
        };
    }

    private static Option<string> RuntimeOption() => new("--runtime") { Description = $"{string.Join(" or ", ReleaseRuntimes.All)}.", Required = true };

    private static Command Publish(Func<ParseResult, ServiceProvider> services, Option<string?> actor, bool rollback)
    {
        var manifestFile = new Option<FileInfo>("--manifest") { Description = "The signed manifest 'releases sign' wrote.", Required = true };
        var binary = new Option<FileInfo?>("--binary") { Description = "The build it describes (not needed to publish a re-signed manifest of a published release)." };
        var description = rollback
            ? "Fleet rollback: publish an older build signed as a new, higher version ('releases sign --version <higher>' on the older binary) and send it to every site at once, ending any canary and halt."
            : "Publish a signed release: its binary to Blob storage, its manifest to the database. Refused unless the signature verifies with Releases__SigningPublicKeys, the binary's size and SHA-256 are the manifest's and the version is above every published one. No site gets it before 'releases rollout' or 'promote'.";
        var command = new Command(rollback ? "rollback" : "publish", description) { manifestFile, binary };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(manifestFile)!.FullName;
            ReleaseManifestDto? manifest;
            try
            {
                manifest = JsonSerializer.Deserialize(File.ReadAllText(path), ContractsJsonContext.Default.ReleaseManifestDto);
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                Console.Error.WriteLine($"Cannot read {path}: {ex.Message}");
                return 2;
            }

            if (manifest is null)
            {
                Console.Error.WriteLine($"{path} holds no manifest.");
                return 2;
            }

            await using var provider = services(parse);
            var outcome = await provider.GetRequiredService<ReleasePublisher>().PublishAsync(
                manifest, parse.GetValue(binary)?.FullName, CliActor.Of(parse, actor), makeCurrent: rollback, ct);
            if (!outcome.Succeeded)
            {
                Console.Error.WriteLine($"Not {(rollback ? "rolled back" : "published")}: {outcome.Message}");
                return outcome.Verdict is ReleasePublishVerdict.BadSignature or ReleasePublishVerdict.NoKey ? 3 : 1;
            }

            Console.WriteLine(outcome.Message + (rollback && outcome.Verdict == ReleasePublishVerdict.Published ? $" Every {manifest.Runtime} site gets it at its next run." : string.Empty));
            return 0;
        });
        return command;
    }

    private static Command Rollout(Func<ParseResult, ServiceProvider> services, Option<string?> actor)
    {
        var runtime = RuntimeOption();
        var version = new Option<string>("--version") { Description = "The published version to send to the canary set.", Required = true };
        var sites = new Option<string[]>("--sites") { Description = "Canary sites by IBGE code (repeat or separate by commas).", AllowMultipleArgumentsPerToken = true };
        var percent = new Option<int>("--percent") { Description = "Also this share of the fleet (0–100), chosen by a hash of the site id: the same sites every time, and a wider share keeps them." };
        var command = new Command("rollout", "Send a published release to a canary set (named sites and/or a share of the fleet); every other site stays on the current release until 'releases promote'.")
        {
            runtime, version, sites, percent,
        };
        command.SetAction(async (parse, ct) =>
        {
            var named = (parse.GetValue(sites) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            await using var provider = services(parse);
            return Print(await provider.GetRequiredService<ReleaseRollouts>().StartAsync(
                parse.GetValue(runtime)!, parse.GetValue(version)!, named, parse.GetValue(percent), CliActor.Of(parse, actor), ct));
        });
        return command;
    }

    private static Command RuntimeChange(
        string name, string description, Func<ParseResult, ServiceProvider> services, Option<string?> actor, Func<ReleaseRollouts, string, string, CancellationToken, Task<RolloutChange>> change)
    {
        var runtime = RuntimeOption();
        var command = new Command(name, description) { runtime };
        command.SetAction(async (parse, ct) =>
        {
            await using var provider = services(parse);
            return Print(await change(provider.GetRequiredService<ReleaseRollouts>(), parse.GetValue(runtime)!, CliActor.Of(parse, actor), ct));
        });
        return command;
    }

    private static Command Pin(Func<ParseResult, ServiceProvider> services, Option<string?> actor)
    {
        var (site, runtime) = (SiteOption(), RuntimeOption());
        var version = new Option<string>("--version") { Description = "The published version to hold the site at.", Required = true };
        var command = new Command("pin", "Hold one site at one published version, whatever the rollout says (halt included).") { site, runtime, version };
        command.SetAction(async (parse, ct) =>
        {
            await using var provider = services(parse);
            return Print(await provider.GetRequiredService<ReleaseRollouts>().PinAsync(
                parse.GetValue(site)!, parse.GetValue(runtime)!, parse.GetValue(version)!, CliActor.Of(parse, actor), ct));
        });
        return command;
    }

    private static Command Unpin(Func<ParseResult, ServiceProvider> services, Option<string?> actor)
    {
        var (site, runtime) = (SiteOption(), RuntimeOption());
        var command = new Command("unpin", "Let a pinned site follow the rollout again.") { site, runtime };
        command.SetAction(async (parse, ct) =>
        {
            await using var provider = services(parse);
            return Print(await provider.GetRequiredService<ReleaseRollouts>().UnpinAsync(parse.GetValue(site)!, parse.GetValue(runtime)!, CliActor.Of(parse, actor), ct));
        });
        return command;
    }

    private static Command Clear(Func<ParseResult, ServiceProvider> services, Option<string?> actor)
    {
        var site = SiteOption();
        var version = new Option<string>("--version") { Description = "The version the site rolled back (or that failed there).", Required = true };
        var command = new Command("clear", "Let a site try again a version it rolled back: its next manifest answer says so (X-Release-Cleared).") { site, version };
        command.SetAction(async (parse, ct) =>
        {
            await using var provider = services(parse);
            return Print(await provider.GetRequiredService<ReleaseRollouts>().ClearAsync(parse.GetValue(site)!, parse.GetValue(version)!, CliActor.Of(parse, actor), ct));
        });
        return command;
    }

    private static Command List(Func<ParseResult, ServiceProvider> services)
    {
        var runtime = new Option<string?>("--runtime") { Description = "Only this runtime." };
        var command = new Command("list", "Every published release, newest first, with its rollout role and expiry.") { runtime };
        command.SetAction(async (parse, ct) =>
        {
            await using var provider = services(parse);
            var catalog = provider.GetRequiredService<ReleaseCatalog>();
            var now = DateTimeOffset.UtcNow;
            foreach (var group in (await catalog.ListAsync(parse.GetValue(runtime), ct)).GroupBy(r => r.Runtime))
            {
                var rollout = await catalog.RolloutAsync(group.Key, ct);
                foreach (var release in group)
                {
                    var role = release.Version == rollout?.CurrentVersion ? "  current" : release.Version == rollout?.CanaryVersion ? "  canary" : string.Empty;
                    var expiry = release.IsExpired(now) ? $"EXPIRED {release.Manifest.ExpiresAt:yyyy-MM-dd}" : $"expires {release.Manifest.ExpiresAt:yyyy-MM-dd}";
                    Console.WriteLine($"{release.Runtime}  {release.Version}{role}{(rollout?.Halted == true && role.Length > 0 ? " (halted)" : string.Empty)}  {expiry}  key {release.Manifest.KeyId}  published {release.PublishedAt:yyyy-MM-dd HH:mm} by {release.PublishedBy}");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command Download(Func<ParseResult, ServiceProvider> services)
    {
        var (runtime, output) = (RuntimeOption(), new Option<DirectoryInfo>("--out") { Description = "Directory to write the binary and its manifest to.", Required = true });
        var version = new Option<string>("--version") { Description = "The published version.", Required = true };
        var command = new Command("download", "Copy a published release (binary and manifest) out of Blob storage: the older build to sign as a new version for a fleet rollback, or a manifest to re-sign.") { runtime, version, output };
        command.SetAction(async (parse, ct) =>
        {
            await using var provider = services(parse);
            var release = await provider.GetRequiredService<ReleaseCatalog>().FindAsync(parse.GetValue(runtime)!, parse.GetValue(version)!, ct);
            if (release is null)
            {
                Console.Error.WriteLine($"{parse.GetValue(runtime)} {parse.GetValue(version)} is not published ('releases list').");
                return 1;
            }

            var directory = parse.GetValue(output)!.FullName;
            Directory.CreateDirectory(directory);
            var binaryPath = Path.Combine(directory, release.Runtime == ReleaseRuntimes.WinX64 ? $"uploader-{release.Version}.exe" : $"uploader-{release.Version}");
            await using (var file = File.Create(binaryPath))
            {
                await provider.GetRequiredService<ReleaseStore>().DownloadToAsync(release.BlobName, file, ct);
            }

            var manifestPath = Path.Combine(directory, $"uploader-{release.Version}-{release.Runtime}.manifest.json");
            await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(release.Manifest, ContractsJsonContext.Default.ReleaseManifestDto) + "\n", ct);
            Console.WriteLine($"{binaryPath}\n{manifestPath}");
            return 0;
        });
        return command;
    }

    private static Option<string> SiteOption() => new("--site") { Description = "IBGE code of the site.", Required = true };

    private static int Print(RolloutChange change)
    {
        (change.Done ? Console.Out : Console.Error).WriteLine(change.Done ? change.Message : $"Nothing changed: {change.Message}");
        return change.Done ? 0 : 1;
    }
}
