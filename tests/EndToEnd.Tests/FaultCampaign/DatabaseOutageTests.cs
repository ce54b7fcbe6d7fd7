using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>
/// The central PostgreSQL stops in the middle of loads and stays down longer than the old retry budget (five quick
/// dequeues), while a site uploads; it comes back, and everything lands without an operator.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Central_database_down_during_loads_and_uploads_for_longer_than_the_old_budget_loses_nothing()
    {
        await using var pipeline = await LocalPipeline.StartAsync(Faults.Options());
        Municipality[] sites =
        [
            await pipeline.AddMunicipalityAsync("2304400", "Fortaleza (teste)", 3000, seed: 21),
            await pipeline.AddMunicipalityAsync("1302603", "Manaus (teste)", 3000, seed: 22),
        ];
        Assert.All(await Task.WhenAll(sites.Select(s => pipeline.RunUploaderAsync(s))), r => Assert.True(r.ExitCode == 0, r.Combined));
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1), expectedAtLeast: 2);

        // The next day's snapshots arrive; their loads are in the merge when the database goes down.
        foreach (var site in sites)
        {
            await Faults.ChurnSourceAsync(pipeline, site, round: 1);
        }

        var maintenance = new NpgsqlConnection(pipeline.CentralConnection);
        await maintenance.OpenAsync();
        await Faults.HoldWritesAsync(maintenance, "hipertensos");
        Assert.All(await Task.WhenAll(sites.Select(s => pipeline.RunUploaderAsync(s))), r => Assert.True(r.ExitCode == 0, r.Combined));
        await Faults.WaitForSessionAsync(pipeline, Faults.MergeDeleteWaitingOnLock, TimeSpan.FromMinutes(1));

        var down = DateTime.UtcNow;
        await pipeline.Central.StopAsync();
        try
        {
            await maintenance.DisposeAsync();
        }
        catch (NpgsqlException)
        {
            // Its session was ended by the shutdown, as every other one.
        }

        // A site uploading now is told the backend is unavailable; its snapshot waits in its spool.
        await Faults.ChurnSourceAsync(pipeline, sites[0], round: 2);
        var duringOutage = await pipeline.RunUploaderAsync(sites[0]);
        Assert.True(duringOutage.ExitCode == 3, duringOutage.Combined); // ExitCodes.Network: "try again later"
        Assert.Single(Faults.SpooledFiles(sites[0]));

        // Twice the old budget (5 dequeues × 2 s visibility here, 5 × 30 s in production).
        var outage = TimeSpan.FromSeconds(20);
        var left = outage - (DateTime.UtcNow - down);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        await pipeline.Central.StartAgainAsync();

        // The spooled snapshot goes with the site's next run.
        var afterOutage = await pipeline.RunUploaderAsync(sites[0]);
        Assert.True(afterOutage.ExitCode == 0, afterOutage.Combined);
        Assert.Empty(Faults.SpooledFiles(sites[0]));

        var snapshots = await Reconciliation.AssertAsync(pipeline, sites);
        Assert.Equal(2 + 2 + 2, snapshots.Count);
        // An older snapshot still backing off when a newer one loaded is skipped (older-snapshot), by design.
        Reconciliation.NewestLoadedOthersLoadedOrSuperseded(snapshots);
        Assert.Contains("(retry 1 of 10)", pipeline.FunctionsLog, StringComparison.Ordinal);
        var poison = pipeline.Queues.GetQueueClient("snapshot-loads-poison");
        Assert.False(await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length > 0, "a snapshot went to the poison queue");
    }
}
