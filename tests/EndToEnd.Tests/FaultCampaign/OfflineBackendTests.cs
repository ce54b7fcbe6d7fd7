using LocalInfra;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>The backend unreachable for whole runs (the municipality's link down, or the app stopped): the site spools, then catches up.</summary>
public sealed class OfflineBackendTests
{
    [Fact]
    public async Task Runs_while_the_backend_is_unreachable_spool_and_the_next_run_delivers_the_newest_once()
    {
        await using var pipeline = await LocalPipeline.StartAsync(Faults.Options());
        var site = await pipeline.AddMunicipalityAsync("1501402", "Belém (teste)", 3000, seed: 31);
        var online = await pipeline.RunUploaderAsync(site); // also caches the list definitions
        Assert.True(online.ExitCode == 0, online.Combined);
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1));

        await pipeline.StopFunctionsAsync();
        var offline1 = await pipeline.RunUploaderAsync(site);
        await Faults.ChurnSourceAsync(pipeline, site, round: 1);
        var offline2 = await pipeline.RunUploaderAsync(site);

        foreach (var offline in new[] { offline1, offline2 })
        {
            Assert.True(offline.ExitCode == 3, offline.Combined); // ExitCodes.Network
            Assert.Contains("using the list definitions cached", offline.StandardOutput, StringComparison.Ordinal);
        }

        var spooled = Faults.SpooledFiles(site);
        Assert.Equal(2, spooled.Count);
        Assert.Single(await pipeline.SnapshotsAsync());

        await pipeline.StartFunctionsAsync();
        var back = await pipeline.RunUploaderAsync(site);

        Assert.True(back.ExitCode == 0, back.Combined);
        Assert.Contains("dropped 1 older spooled snapshot", back.StandardOutput, StringComparison.Ordinal);
        var snapshots = await Reconciliation.AssertAsync(pipeline, [site]);
        // The first run's, the newest spooled one and this run's; the older spooled one was dropped at the site. The
        // newest spooled one is loaded, or skipped as older when this run's, sent right after it, won the pair first.
        Assert.Equal(3, snapshots.Count);
        var ids = spooled.Select(Faults.SnapshotIdOf).OrderBy(id => id.ToString(), StringComparer.Ordinal).ToList();
        Assert.DoesNotContain(snapshots, s => s.SnapshotId == ids[0]);
        var newestSpooled = Assert.Single(snapshots, s => s.SnapshotId == ids[1]);
        Assert.True(newestSpooled is { Status: "loaded" } or { Status: "skipped", ErrorCode: "older-snapshot" }, $"{newestSpooled.Status} {newestSpooled.ErrorCode}");
        Assert.Equal("loaded", snapshots[^1].Status);
        Assert.Contains(snapshots, s => s.Status == "loaded" && s.Updated > 0); // the churn arrived
    }
}
