using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Operations;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Operations;

/// <summary>
/// Each operator action and its row in ingest.operator_audit commit in one transaction, on the real central schema: an
/// audit insert that fails undoes the action, and an action that fails after its audit row was written leaves no row.
/// The failures are made by triggers that fire only for this class's actor and list names.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class OperatorActionAuditTests(InfraFixture infra) : IAsyncLifetime
{
    /// <summary>The actor whose audit rows the test trigger refuses.</summary>
    private const string RefusedActor = "test:audit-refused";

    /// <summary>Lists whose activation the test trigger refuses (after their list-publish audit row was written).</summary>
    private const string RefusedListPrefix = "audit_probe_refused";

    private SiteAdministration Sites => new(infra.Database);

    private TokenAdministration Tokens => new(infra.Database, new TokenLookupCache(Options.Create(new SiteTokenOptions()), TimeProvider.System));

    private ListPublishing Lists => new(infra.Database, new ListCatalog(infra.Database, TimeProvider.System), Options.Create(new ListSigningOptions()));

    public async Task InitializeAsync()
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            $"""
            CREATE OR REPLACE FUNCTION ingest.test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$;
            DROP TRIGGER IF EXISTS test_refuse_audit ON ingest.operator_audit;
            CREATE TRIGGER test_refuse_audit BEFORE INSERT ON ingest.operator_audit
                FOR EACH ROW WHEN (NEW.actor = '{RefusedActor}') EXECUTE PROCEDURE ingest.test_refuse();
            DROP TRIGGER IF EXISTS test_refuse_activation ON ingest.list_definitions;
            CREATE TRIGGER test_refuse_activation BEFORE UPDATE ON ingest.list_definitions
                FOR EACH ROW WHEN (NEW.name LIKE '{RefusedListPrefix}%' AND NEW.is_active) EXECUTE PROCEDURE ingest.test_refuse();
            """);
    }

    public async Task DisposeAsync()
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            DROP TRIGGER IF EXISTS test_refuse_audit ON ingest.operator_audit;
            DROP TRIGGER IF EXISTS test_refuse_activation ON ingest.list_definitions;
            DROP FUNCTION IF EXISTS ingest.test_refuse();
            """);
    }

    [Fact]
    public async Task Adding_a_site_commits_the_site_and_its_audit_row_together()
    {
        var site = NewIbge();

        await Sites.AddAsync(site, "Olinda", "cli:maria", CancellationToken.None);

        Assert.Equal(1, await CountAsync("SELECT count(*) FROM ingest.sites WHERE site_id = @site", new { site }));
        Assert.Equal(1, await AuditRowsAsync("cli:maria", OperatorAudit.SiteAdd, site));
    }

    [Fact]
    public async Task A_site_whose_audit_row_cannot_be_written_is_not_added()
    {
        var site = NewIbge();

        await Assert.ThrowsAsync<PostgresException>(() => Sites.AddAsync(site, "Olinda", RefusedActor, CancellationToken.None));

        Assert.Equal(0, await CountAsync("SELECT count(*) FROM ingest.sites WHERE site_id = @site", new { site }));
    }

    [Fact]
    public async Task A_site_token_whose_audit_row_cannot_be_written_is_not_issued()
    {
        var site = await infra.NewSiteAsync();

        await Assert.ThrowsAsync<PostgresException>(() => Tokens.IssueSiteTokenAsync(site, RefusedActor, CancellationToken.None));

        Assert.Equal(0, await CountAsync("SELECT count(*) FROM ingest.site_tokens WHERE site_id = @site", new { site }));
        var (tokenId, _) = await Tokens.IssueSiteTokenAsync(site, "api:ops", CancellationToken.None);
        Assert.Equal(1, await AuditRowsAsync("api:ops", OperatorAudit.SiteTokenIssue, site));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM ingest.site_tokens WHERE token_id = @tokenId", new { tokenId }));
    }

    [Fact]
    public async Task A_site_token_whose_revocation_cannot_be_audited_stays_live()
    {
        var site = await infra.NewSiteAsync();
        var (tokenId, token) = await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None);

        await Assert.ThrowsAsync<PostgresException>(() => Tokens.RevokeSiteTokenAsync(tokenId, RefusedActor, CancellationToken.None));

        Assert.Equal(site, await SiteTokens.FindSiteAsync(infra.Database, token, CancellationToken.None));
        Assert.True(await Tokens.RevokeSiteTokenAsync(tokenId, "api:ops", CancellationToken.None));
        Assert.Null(await SiteTokens.FindSiteAsync(infra.Database, token, CancellationToken.None));
        Assert.Equal(1, await AuditRowsAsync("api:ops", OperatorAudit.SiteTokenRevoke, tokenId.ToString("D")));
        Assert.False(await Tokens.RevokeSiteTokenAsync(tokenId, "api:ops", CancellationToken.None));
        Assert.Equal(1, await AuditRowsAsync("api:ops", OperatorAudit.SiteTokenRevoke, tokenId.ToString("D")));
    }

    [Fact]
    public async Task An_operator_token_whose_audit_row_cannot_be_written_is_not_issued()
    {
        var name = $"robot-{Guid.NewGuid():N}";

        await Assert.ThrowsAsync<PostgresException>(() => Tokens.IssueOperatorTokenAsync(name, RefusedActor, CancellationToken.None));

        Assert.Equal(0, await CountAsync("SELECT count(*) FROM ingest.admin_tokens WHERE name = @name", new { name }));
    }

    [Fact]
    public async Task An_operator_token_whose_revocation_cannot_be_audited_stays_live()
    {
        var name = $"robot-{Guid.NewGuid():N}";
        var (tokenId, token) = await Tokens.IssueOperatorTokenAsync(name, "cli:maria", CancellationToken.None);
        Assert.Equal(1, await AuditRowsAsync("cli:maria", OperatorAudit.OperatorTokenIssue, tokenId.ToString("D")));

        await Assert.ThrowsAsync<PostgresException>(() => Tokens.RevokeOperatorTokenAsync(tokenId, RefusedActor, CancellationToken.None));

        Assert.Equal(name, await SiteTokens.FindAdminAsync(infra.Database, token, CancellationToken.None));
    }

    [Fact]
    public async Task A_list_whose_audit_row_cannot_be_written_is_not_published()
    {
        var definition = InfraFixture.TestList with { Name = $"audit_probe_{Guid.NewGuid():N}"[..30] };

        await Assert.ThrowsAsync<PostgresException>(() => Lists.PublishAsync(definition, activate: true, RefusedActor, CancellationToken.None));

        Assert.Equal(0, await CountAsync("SELECT count(*) FROM ingest.list_definitions WHERE name = @Name", new { definition.Name }));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM pg_tables WHERE schemaname = 'lists' AND tablename = @Name", new { definition.Name }));
    }

    [Fact]
    public async Task A_publish_that_fails_after_its_audit_row_was_written_leaves_no_audit_row()
    {
        var definition = InfraFixture.TestList with { Name = $"{RefusedListPrefix}_{Guid.NewGuid():N}"[..40] };

        await Assert.ThrowsAsync<PostgresException>(() => Lists.PublishAsync(definition, activate: true, "cli:maria", CancellationToken.None));

        Assert.Equal(0, await AuditRowsAsync("cli:maria", OperatorAudit.ListPublish, $"{definition.Name} v{definition.Version}"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM ingest.list_definitions WHERE name = @Name", new { definition.Name }));
        Assert.Equal(ListPublishVerdict.Published, (await Lists.PublishAsync(definition, activate: false, "cli:maria", CancellationToken.None)).Verdict);
        Assert.Equal(1, await AuditRowsAsync("cli:maria", OperatorAudit.ListPublish, $"{definition.Name} v{definition.Version}"));
    }

    [Fact]
    public async Task A_replay_records_one_audit_row_with_its_filter_and_counts_and_an_unknown_source_none()
    {
        // A queue of this test's own, never created: its poison queue does not exist, so the pass matches nothing.
        var queue = "q" + Guid.NewGuid().ToString("N")[..12];
        var replays = new ReplayAdministration(
            new Replayer(
                new LoadQueue(infra.Queues, Options.Create(new LoadQueueOptions { Queue = queue })),
                new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions())),
                new SnapshotLedger(infra.Database)),
            infra.Database);
        var site = NewIbge();

        var report = await replays.ReplayAsync(Replayer.Poison, new ReplayFilter(site, "hipertensos"), dryRun: true, "cli:maria", CancellationToken.None);

        Assert.Equal((Replayer.Poison, true, 0), (report.Source, report.DryRun, report.Items.Count));
        await using var connection = await infra.Database.OpenConnectionAsync();
        var detail = await connection.QuerySingleAsync<string>(
            "SELECT detail::text FROM ingest.operator_audit WHERE actor = 'cli:maria' AND action = @action AND detail->>'site' = @site",
            new { action = OperatorAudit.Replay, site });
        using var json = System.Text.Json.JsonDocument.Parse(detail);
        Assert.Equal("hipertensos", json.RootElement.GetProperty("list").GetString());
        Assert.True(json.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("matched").GetInt32());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => replays.ReplayAsync("queue", new ReplayFilter(site, null), dryRun: true, "cli:maria", CancellationToken.None));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM ingest.operator_audit WHERE action = @action AND detail->>'site' = @site", new { action = OperatorAudit.Replay, site }));
    }

    private static string NewIbge() => Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task<int> AuditRowsAsync(string actor, string action, string target) =>
        CountAsync("SELECT count(*) FROM ingest.operator_audit WHERE actor = @actor AND action = @action AND target = @target", new { actor, action, target });

    private async Task<int> CountAsync(string sql, object parameters)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(sql, parameters);
    }
}
