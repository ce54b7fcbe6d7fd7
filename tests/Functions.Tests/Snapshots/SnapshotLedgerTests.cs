using PecLists.Contracts;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Snapshots;

/// <summary>The ledger moves a snapshot only along SnapshotLifecycle's edges; any other move leaves the row as it was.</summary>
[Collection(InfraCollection.Name)]
public sealed class SnapshotLedgerTests(InfraFixture infra)
{
    private static readonly SnapshotRowCounts Rows = new(1, 0, 0, 0);

    private SnapshotLedger Ledger => new(infra.Database);

    private async Task<Guid> ReceivedAsync()
    {
        var site = await infra.NewSiteAsync();
        var id = Guid.CreateVersion7();
        Assert.True(await Ledger.RecordReceivedAsync(
            new NewSnapshot(id, site, InfraFixture.TestList.Name, $"{site}/x/{id:D}.csv.gz", "sha-256=:x:", 10, DateTimeOffset.UtcNow, "test"), CancellationToken.None));
        return id;
    }

    private async Task<string> StatusAsync(Guid id) => (await Ledger.FindAsync(id, CancellationToken.None))!.Status;

    [Fact]
    public async Task Received_is_shown_as_queued_and_queued_once_marked()
    {
        var id = await ReceivedAsync();
        Assert.Equal(SnapshotStatuses.Received, await StatusAsync(id));
        Assert.Equal(SnapshotStatuses.Queued, (await Ledger.ReadStatusAsync(id, CancellationToken.None))!.Status);

        await Ledger.MarkQueuedAsync(id, CancellationToken.None);

        Assert.Equal(SnapshotStatuses.Queued, await StatusAsync(id));
    }

    [Fact]
    public async Task A_second_record_of_the_same_id_is_refused()
    {
        var id = await ReceivedAsync();
        var existing = (await Ledger.FindAsync(id, CancellationToken.None))!;

        Assert.False(await Ledger.RecordReceivedAsync(
            new NewSnapshot(id, existing.Site, existing.List, "other", "other", 1, DateTimeOffset.UtcNow), CancellationToken.None));
        await Ledger.RecordQueuedIfMissingAsync(new NewSnapshot(id, existing.Site, existing.List, "other", "other", 1, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(existing, await Ledger.FindAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task A_loading_snapshot_is_not_marked_queued_and_a_final_one_never_changes()
    {
        var id = await ReceivedAsync();
        await using var connection = await infra.Database.OpenConnectionAsync();

        Assert.Equal(SnapshotStatuses.Received, (await Ledger.StartLoadAsync(connection, id, CancellationToken.None))?.Status);
        await Ledger.MarkQueuedAsync(id, CancellationToken.None);
        Assert.Equal(SnapshotStatuses.Loading, await StatusAsync(id));

        await Ledger.FinishAsync(id, SnapshotOutcome.Rejected("bad-data", "test"), CancellationToken.None);
        await Ledger.FinishAsync(id, SnapshotOutcome.Loaded(Rows), CancellationToken.None);
        await Ledger.MarkQueuedAsync(id, CancellationToken.None);
        Assert.Equal(SnapshotStatuses.Rejected, (await Ledger.StartLoadAsync(connection, id, CancellationToken.None))?.Status);

        var status = (await Ledger.ReadStatusAsync(id, CancellationToken.None))!;
        Assert.Equal((SnapshotStatuses.Rejected, "bad-data"), (status.Status, status.ErrorCode));
        Assert.Null(status.Rows);
    }

    [Fact]
    public async Task A_failed_load_starts_again()
    {
        var id = await ReceivedAsync();
        await using var connection = await infra.Database.OpenConnectionAsync();
        await Ledger.StartLoadAsync(connection, id, CancellationToken.None);
        await Ledger.FinishAsync(id, SnapshotOutcome.Failed("transient", "test"), CancellationToken.None);

        Assert.Equal(SnapshotStatuses.Failed, (await Ledger.StartLoadAsync(connection, id, CancellationToken.None))?.Status);

        Assert.Equal(SnapshotStatuses.Loading, await StatusAsync(id));
    }

    [Fact]
    public async Task An_unknown_snapshot_has_no_status_and_does_not_start()
    {
        var id = Guid.CreateVersion7();
        await using var connection = await infra.Database.OpenConnectionAsync();

        Assert.Null(await Ledger.ReadStatusAsync(id, CancellationToken.None));
        Assert.Null((await Ledger.StartLoadAsync(connection, id, CancellationToken.None))?.Status);
    }

    [Fact]
    public async Task The_fleet_view_shows_each_lists_newest_status_and_when_it_last_loaded()
    {
        var site = await infra.NewSiteAsync();
        var now = DateTimeOffset.UtcNow;
        await using var connection = await infra.Database.OpenConnectionAsync();

        async Task<Guid> SnapshotAsync(string list, DateTimeOffset extractedAt, string outcome)
        {
            var id = Guid.CreateVersion7();
            Assert.True(await Ledger.RecordReceivedAsync(new NewSnapshot(id, site, list, $"{site}/{list}/{id:D}.csv.gz", "sha-256=:x:", 10, extractedAt), CancellationToken.None));
            if (outcome == SnapshotStatuses.Received)
            {
                return id;
            }

            await Ledger.StartLoadAsync(connection, id, CancellationToken.None);
            if (outcome == SnapshotStatuses.Loaded)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await Ledger.RecordLoadedAsync(connection, transaction, id, Rows, CancellationToken.None);
                await transaction.CommitAsync();
            }
            else
            {
                await Ledger.FinishAsync(id, SnapshotOutcome.Rejected("bad-data", "test"), CancellationToken.None);
            }

            return id;
        }

        // The main list loaded twice, then its newest snapshot was rejected (that alone colours the site); the other
        // list's only snapshot is still on its way, so it has never loaded.
        var list = InfraFixture.TestList.Name;
        await SnapshotAsync(list, now.AddDays(-2), SnapshotStatuses.Loaded);
        var lastLoaded = await SnapshotAsync(list, now.AddDays(-1), SnapshotStatuses.Loaded);
        await SnapshotAsync(list, now.AddHours(-1), SnapshotStatuses.Rejected);
        await SnapshotAsync("outra_lista", now.AddHours(-1), SnapshotStatuses.Received);
        await using (var heartbeat = new Npgsql.NpgsqlCommand("""INSERT INTO ingest.heartbeats (site_id, report) VALUES (@site, '{"outcome":"ok"}')""", connection))
        {
            heartbeat.Parameters.AddWithValue("site", site);
            await heartbeat.ExecuteNonQueryAsync();
        }

        await using var finished = new Npgsql.NpgsqlCommand("SELECT load_finished_at FROM ingest.snapshots WHERE snapshot_id = @id", connection);
        finished.Parameters.AddWithValue("id", lastLoaded);
        var lastLoadedAt = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await finished.ExecuteScalarAsync())!, DateTimeKind.Utc));

        var fleet = Assert.Single(await Ledger.ReadFleetAsync(new FleetOptions(), DateTimeOffset.UtcNow, CancellationToken.None), f => f.Ibge == site);

        Assert.Equal(2, fleet.LastLoadedByList.Count);
        Assert.Equal(lastLoadedAt, fleet.LastLoadedByList[list]);
        Assert.Null(fleet.LastLoadedByList["outra_lista"]);
        Assert.Equal((FailureCategories.SnapshotRejected, SiteCondition.Red), (fleet.Category, fleet.Status));
    }
}
