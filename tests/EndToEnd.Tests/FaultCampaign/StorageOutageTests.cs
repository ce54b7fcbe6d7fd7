using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>Azurite (the storage account) stopped during uploads, then during a load; started again, nothing is lost.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task Storage_down_during_an_upload_and_during_a_load_loses_nothing()
    {
        await using var pipeline = await LocalPipeline.StartAsync(Faults.Options());
        var site = await pipeline.AddMunicipalityAsync("2211001", "Teresina (teste)", 3000, seed: 41);
        var first = await pipeline.RunUploaderAsync(site);
        Assert.True(first.ExitCode == 0, first.Combined);
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1));

        // 1. Storage down while the site uploads: the backend answers 503, the snapshot stays in the site's spool.
        await Faults.ChurnSourceAsync(pipeline, site, round: 1);
        await pipeline.Storage.StopAsync();
        var duringOutage = await pipeline.RunUploaderAsync(site);
        Assert.True(duringOutage.ExitCode == 3, duringOutage.Combined);
        Assert.True(duringOutage.Combined.Contains("dependency-unavailable", StringComparison.Ordinal), duringOutage.Combined + pipeline.FunctionsLog);
        Assert.Single(Faults.SpooledFiles(site));
        Assert.Single(await pipeline.SnapshotsAsync()); // nothing recorded half-way
        await pipeline.Storage.StartAgainAsync();
        var caughtUp = await pipeline.RunUploaderAsync(site);
        Assert.True(caughtUp.ExitCode == 0, caughtUp.Combined);
        await Reconciliation.AssertAsync(pipeline, [site]);

        // 2. Storage down while a load is in its merge: the load commits; the host cannot delete the message, so it
        //    comes back later and finds its snapshot already loaded.
        await Faults.ChurnSourceAsync(pipeline, site, round: 2);
        await using var maintenance = new NpgsqlConnection(pipeline.CentralConnection);
        await maintenance.OpenAsync();
        var writesHeld = await Faults.HoldWritesAsync(maintenance, "hipertensos");
        var run = await pipeline.RunUploaderAsync(site);
        Assert.True(run.ExitCode == 0, run.Combined);
        await Faults.WaitForSessionAsync(pipeline, Faults.MergeDeleteWaitingOnLock, TimeSpan.FromMinutes(1));
        var dispatchFailures = DispatchFailures(pipeline);
        await pipeline.Storage.StopAsync();
        await writesHeld.RollbackAsync();
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1));
        // Storage comes back once the host's delete of the loaded message has failed (after the SDK's retries), not
        // sooner: a retry that reached storage again would delete it, and the message would never come back.
        await Eventually.UntilAsync(
            () => DispatchFailures(pipeline), n => n > dispatchFailures, TimeSpan.FromMinutes(1), "the host's delete of the loaded message to fail",
            TimeSpan.FromMilliseconds(250), n => $"{n - dispatchFailures} new failed dispatch(es)", () => pipeline.Host.Log.Text);
        await pipeline.Storage.StartAgainAsync();

        var again = await pipeline.RunUploaderAsync(site);
        Assert.True(again.ExitCode == 0, again.Combined);
        var snapshots = await Reconciliation.AssertAsync(pipeline, [site]);
        Assert.Equal(5, snapshots.Count);
        Reconciliation.NewestLoadedOthersLoadedOrSuperseded(snapshots);
    }

    /// <summary>The stand-in's "dispatch of message … failed" lines: a delete (or poison move) that storage refused.</summary>
    private static int DispatchFailures(LocalPipeline pipeline) =>
        pipeline.Host.Log.Text.Split('\n').Count(l => l.Contains("dispatch of message ", StringComparison.Ordinal) && l.Contains(" failed: ", StringComparison.Ordinal));
}
