using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Operations;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Tests.Operations;

/// <summary>
/// The retention run against the real schema: rows past their retention go, in batches; recent rows and the protected
/// ones (a site's latest heartbeat, a pair's loaded snapshot, held and other unfinished snapshots) stay whatever their age.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class RetentionTests(InfraFixture infra)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly string _container = "r" + Guid.NewGuid().ToString("N")[..12];

    private SnapshotStore Store => new(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = _container }));

    private Retention Retention(RetentionOptions? options = null) => new(
        infra.Database, new SnapshotLedger(infra.Database), Store, Options.Create(options ?? new RetentionOptions()), TimeProvider.System, NullLogger<Retention>.Instance);

    private async Task HeartbeatAsync(string site, double daysAgo)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO ingest.heartbeats (site_id, received_at, report) VALUES (@site, @at, '{}'::jsonb)", new { site, at = Now.AddDays(-daysAgo) });
    }

    private async Task<List<double>> HeartbeatAgesAsync(string site)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return [.. (await connection.QueryAsync<double>(
            "SELECT round(extract(epoch FROM @now - received_at) / 86400) FROM ingest.heartbeats WHERE site_id = @site ORDER BY received_at", new { site, now = Now }))];
    }

    private async Task<Guid> SnapshotAsync(string site, string list, string status, double daysAgo, bool loadedOne = false)
    {
        var id = Guid.NewGuid();
        var at = Now.AddDays(-daysAgo);
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, received_at, status)
            VALUES (@id, @site, @list, 'x', 'd', 1, @at, @at, @status)
            """,
            new { id, site, list, at, status });
        if (loadedOne)
        {
            await connection.ExecuteAsync(
                "INSERT INTO ingest.load_state (site_id, list_name, snapshot_id, extracted_at, loaded_at) VALUES (@site, @list, @id, @at, @at)",
                new { site, list, id, at });
        }

        return id;
    }

    private async Task<bool> SnapshotExistsAsync(Guid id)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM ingest.snapshots WHERE snapshot_id = @id)", new { id });
    }

    [Fact]
    public async Task Heartbeats_past_90_days_go_but_each_sites_latest_stays_however_old()
    {
        var site = await infra.NewSiteAsync();
        var silent = await infra.NewSiteAsync();
        foreach (var days in new[] { 200, 95, 91, 89, 1 })
        {
            await HeartbeatAsync(site, days);
        }

        await HeartbeatAsync(silent, 300);
        await HeartbeatAsync(silent, 250);

        var report = await Retention().RunAsync(CancellationToken.None);

        Assert.Equal([89.0, 1], await HeartbeatAgesAsync(site));
        Assert.Equal([250.0], await HeartbeatAgesAsync(silent)); // the fleet still says when it was last heard from
        Assert.True(report.Heartbeats >= 4, report.ToString());
    }

    [Fact]
    public async Task Final_snapshot_records_past_400_days_go_but_a_pairs_loaded_one_and_unfinished_ones_stay()
    {
        var site = await infra.NewSiteAsync();
        var oldLoaded = await SnapshotAsync(site, "hipertensos", SnapshotStatuses.Loaded, 500);
        var oldRejected = await SnapshotAsync(site, "hipertensos", SnapshotStatuses.Rejected, 450);
        var oldSkipped = await SnapshotAsync(site, "hipertensos", SnapshotStatuses.Skipped, 401);
        var recentLoaded = await SnapshotAsync(site, "hipertensos", SnapshotStatuses.Loaded, 399, loadedOne: true);
        var latestLoadedButOld = await SnapshotAsync(site, "diabeticos", SnapshotStatuses.Loaded, 600, loadedOne: true);
        var heldForAges = await SnapshotAsync(site, "diabeticos", SnapshotStatuses.Held, 500);
        var failedOld = await SnapshotAsync(site, "gestantes", SnapshotStatuses.Failed, 500);
        var queuedOld = await SnapshotAsync(site, "gestantes", SnapshotStatuses.Queued, 500);

        await Retention().RunAsync(CancellationToken.None);

        Assert.False(await SnapshotExistsAsync(oldLoaded));
        Assert.False(await SnapshotExistsAsync(oldRejected));
        Assert.False(await SnapshotExistsAsync(oldSkipped));
        Assert.True(await SnapshotExistsAsync(recentLoaded));
        Assert.True(await SnapshotExistsAsync(latestLoadedButOld));
        Assert.True(await SnapshotExistsAsync(heldForAges));
        Assert.True(await SnapshotExistsAsync(failedOld));
        Assert.True(await SnapshotExistsAsync(queuedOld));
    }

    [Fact]
    public async Task The_audit_past_five_years_goes_by_default_and_0_keeps_every_row()
    {
        var target = "retention-" + Guid.NewGuid().ToString("N");
        await using var connection = await infra.Database.OpenConnectionAsync();
        foreach (var days in new[] { 2000, 1830, 1800, 10 })
        {
            await connection.ExecuteAsync(
                "INSERT INTO ingest.operator_audit (at, actor, action, target) VALUES (@at, 'cli:test', 'site-add', @target)", new { at = Now.AddDays(-days), target });
        }

        async Task<List<double>> Ages() => [.. await connection.QueryAsync<double>(
            "SELECT round(extract(epoch FROM @now - at) / 86400) FROM ingest.operator_audit WHERE target = @target ORDER BY at", new { target, now = Now })];

        await Retention(new RetentionOptions { AuditDays = 0 }).RunAsync(CancellationToken.None);
        Assert.Equal([2000.0, 1830, 1800, 10], await Ages());

        var report = await Retention().RunAsync(CancellationToken.None);
        Assert.Equal([1800.0, 10], await Ages());
        Assert.True(report.Audit >= 2, report.ToString());
    }

    [Fact]
    public async Task The_issue_of_a_token_still_live_stays_however_old_and_goes_once_the_token_is_revoked()
    {
        var site = await infra.NewSiteAsync();
        var (liveSite, _) = await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None);
        var (revokedSite, _) = await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None);
        var (liveOperator, _) = await SiteTokens.IssueAdminAsync(infra.Database, "retencao", CancellationToken.None);
        Assert.True(await SiteTokens.RevokeAsync(infra.Database, revokedSite, CancellationToken.None));
        await using var connection = await infra.Database.OpenConnectionAsync();
        async Task IssuedLongAgoAsync(string action, string target, Guid tokenId) => await connection.ExecuteAsync(
            "INSERT INTO ingest.operator_audit (at, actor, action, target, detail) VALUES (@at, 'cli:test', @action, @target, jsonb_build_object('tokenId', @tokenId::text))",
            new { at = Now.AddDays(-3000), action, target, tokenId });
        await IssuedLongAgoAsync(OperatorAudit.SiteTokenIssue, site, liveSite);
        await IssuedLongAgoAsync(OperatorAudit.SiteTokenIssue, site, revokedSite);
        await IssuedLongAgoAsync(OperatorAudit.OperatorTokenIssue, liveOperator.ToString("D"), liveOperator);
        async Task<List<Guid>> IssuesKeptAsync() => [.. await connection.QueryAsync<Guid>(
            "SELECT (detail->>'tokenId')::uuid FROM ingest.operator_audit WHERE detail->>'tokenId' = ANY(@ids) ORDER BY audit_id",
            new { ids = new[] { liveSite, revokedSite, liveOperator }.Select(i => i.ToString("D")).ToArray() })];

        await Retention().RunAsync(CancellationToken.None);
        Assert.Equal([liveSite, liveOperator], await IssuesKeptAsync());

        Assert.True(await SiteTokens.RevokeAdminAsync(infra.Database, liveOperator, CancellationToken.None));
        await Retention().RunAsync(CancellationToken.None);
        Assert.Equal([liveSite], await IssuesKeptAsync());
    }

    [Fact]
    public async Task Deletes_go_in_bounded_batches_and_a_run_stops_at_its_budget_leaving_the_rest_for_the_next()
    {
        var site = await infra.NewSiteAsync();
        for (var i = 0; i < 7; i++)
        {
            await HeartbeatAsync(site, 100 + i);
        }

        await HeartbeatAsync(site, 1);
        var small = new RetentionOptions { BatchSize = 2, MaxBatchesPerRun = 2 };

        var first = await Retention(small).RunAsync(CancellationToken.None);

        Assert.Equal((4L, true), (first.Heartbeats, first.More)); // two batches of two, the rest left
        Assert.Equal(4, (await HeartbeatAgesAsync(site)).Count);
        await Retention(small).RunAsync(CancellationToken.None);
        await Retention(small).RunAsync(CancellationToken.None);
        Assert.Equal([1.0], await HeartbeatAgesAsync(site));
    }

    [Fact]
    public async Task Held_snapshot_copies_no_held_snapshot_needs_are_deleted_and_the_held_ones_kept()
    {
        var site = await infra.NewSiteAsync();
        var held = await SnapshotAsync(site, "hipertensos", SnapshotStatuses.Held, 100);
        var loading = await SnapshotAsync(site, "diabeticos", SnapshotStatuses.Loading, 0);
        var failed = await SnapshotAsync(site, "gestantes", SnapshotStatuses.Failed, 0); // copied, then the load failed before recording the hold
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE ingest.snapshots SET blob_name = @blob WHERE snapshot_id = @held", new { held, blob = "held/" + held });
        }

        await infra.Blobs.GetBlobContainerClient(_container).CreateIfNotExistsAsync();
        async Task<string> CopyAsync(Guid? id, string name)
        {
            var metadata = id is { } snapshot ? new Dictionary<string, string> { ["snapshotid"] = snapshot.ToString("D") } : [];
            await Store.TryCreateAsync(name, new MemoryStream([1]), metadata, CancellationToken.None);
            return name;
        }

        var kept = await CopyAsync(held, "held/" + held);
        var beingLoaded = await CopyAsync(loading, "held/" + loading);
        var orphan = await CopyAsync(failed, "held/" + failed);
        var nameless = await CopyAsync(null, "held/unknown.csv.gz");
        var staleNameOfHeld = await CopyAsync(held, "held/old-name-of-" + held);
        var notHeldArea = await CopyAsync(failed, "1234567/gestantes/x.csv.gz");

        var report = await Retention().RunAsync(CancellationToken.None);

        async Task<bool> Exists(string name) => await infra.Blobs.GetBlobContainerClient(_container).GetBlobClient(name).ExistsAsync();
        Assert.True(await Exists(kept));
        Assert.True(await Exists(beingLoaded));
        Assert.True(await Exists(notHeldArea)); // the lifecycle rule's, not the retention run's
        Assert.False(await Exists(orphan));
        Assert.False(await Exists(nameless));
        Assert.False(await Exists(staleNameOfHeld));
        Assert.Equal(3, report.HeldCopies);
    }
}
