using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>
/// kill -9 of the function app's handler at several points of one load: inside the merge transaction, while the
/// blob streams into the staging table, and just as the load commits; then the instance is replaced. Each time the
/// host starts the handler again (or a new instance starts), the message comes back, and the load ends once.
/// </summary>
public sealed class KillTests
{
    [Fact]
    public async Task A_load_killed_in_the_merge_in_the_copy_and_at_commit_ends_loaded_once_with_nothing_lost_or_doubled()
    {
        await using var pipeline = await LocalPipeline.StartAsync(Faults.Options());
        var site = await pipeline.AddMunicipalityAsync("5300108", "Brasília (teste)", 20_000, seed: 11);
        var first = await pipeline.RunUploaderAsync(site);
        Assert.True(first.ExitCode == 0, first.Combined);
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1));

        // The next day the source has changed, and a maintenance job holds writes on the list's table for a while.
        await Faults.ChurnSourceAsync(pipeline, site, round: 1);
        await using var maintenance = new NpgsqlConnection(pipeline.CentralConnection);
        await maintenance.OpenAsync();
        var writesHeld = await Faults.HoldWritesAsync(maintenance, "hipertensos");
        var run = await pipeline.RunUploaderAsync(site);
        Assert.True(run.ExitCode == 0, run.Combined);
        var snapshotId = Assert.Single(Reconciliation.SentIds(site).Except((await pipeline.SnapshotsAsync()).Where(s => s.Status == "loaded").Select(s => s.SnapshotId)));

        // 1. Inside the merge: staged, diffed, its DELETE waiting for the table.
        await Faults.WaitForSessionAsync(pipeline, Faults.MergeDeleteWaitingOnLock, TimeSpan.FromMinutes(1));
        pipeline.Host.KillHandler();
        await Eventually.UntilAsync(
            () => pipeline.Host.HandlerRestarts, restarts => restarts == 1, TimeSpan.FromSeconds(60), "the first handler restart", TimeSpan.FromMilliseconds(20),
            restarts => $"{restarts} restart(s)", () => pipeline.FunctionsLog);

        // 2. The message is back after the visibility timeout: kill again while the blob streams into the staging table.
        await Faults.WaitForSessionAsync(pipeline, "state = 'active' AND query LIKE 'COPY%'", TimeSpan.FromMinutes(1));
        pipeline.Host.KillHandler();
        await Eventually.UntilAsync(
            () => pipeline.Host.HandlerRestarts, restarts => restarts == 2, TimeSpan.FromSeconds(60), "the second handler restart", TimeSpan.FromMilliseconds(20),
            restarts => $"{restarts} restart(s)", () => pipeline.FunctionsLog);

        // 3. The maintenance ends; kill a third time as the load commits. The host gives up on a handler that exited
        //    three times in 30 minutes and stops; the platform starts a new instance.
        await Faults.WaitForSessionAsync(pipeline, Faults.MergeDeleteWaitingOnLock, TimeSpan.FromMinutes(1));
        await writesHeld.RollbackAsync();
        // Polled every 2 ms: the kill should land as the load commits.
        await Eventually.UntilAsync(
            async () => (await pipeline.SnapshotsAsync()).SingleOrDefault(s => s.SnapshotId == snapshotId)?.Status, status => status == "loaded",
            TimeSpan.FromSeconds(60), $"snapshot {snapshotId} to be loaded", TimeSpan.FromMilliseconds(2), status => $"status {status ?? "(no row)"}",
            () => pipeline.FunctionsLog);
        pipeline.Host.KillHandler();
        await Eventually.UntilAsync(
            () => pipeline.Host.HandlerExited, TimeSpan.FromSeconds(60), "the host to give up on the handler after its third exit", TimeSpan.FromMilliseconds(20),
            () => pipeline.FunctionsLog);
        Assert.Contains("Exceeded http worker restart retry count", pipeline.FunctionsLog, StringComparison.Ordinal);
        await pipeline.StopFunctionsAsync();
        await pipeline.StartFunctionsAsync();

        // The site runs again on the new instance: an unchanged list, loaded as a no-op.
        var again = await pipeline.RunUploaderAsync(site);
        Assert.True(again.ExitCode == 0, again.Combined);

        var snapshots = await Reconciliation.AssertAsync(pipeline, [site]);
        var killed = Assert.Single(snapshots, s => s.SnapshotId == snapshotId);
        Assert.Equal("loaded", killed.Status);
        Assert.True(killed.Attempts >= 3, $"attempts {killed.Attempts}");
        Assert.True(killed.Updated + killed.Deleted > 0, "the churned snapshot changed rows");
        Assert.Equal(3, snapshots.Count);
        Assert.All(snapshots, s => Assert.Equal("loaded", s.Status));
    }
}
