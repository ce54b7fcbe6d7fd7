using LocalInfra;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>
/// Deliveries the network makes messy: the same snapshot PUT many times at once and again later, an older snapshot
/// arriving after a newer one, and every stored snapshot replayed from blob storage three times.
/// </summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task Duplicate_concurrent_out_of_order_and_replayed_deliveries_apply_each_snapshot_once()
    {
        await using var pipeline = await LocalPipeline.StartAsync(Faults.Options());
        var site = await pipeline.AddMunicipalityAsync("2800308", "Aracaju (teste)", 3000, seed: 51);
        var first = await pipeline.RunUploaderAsync(site);
        Assert.True(first.ExitCode == 0, first.Combined);
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1));

        // Two days extracted while the backend was unreachable: an older and a newer snapshot in the spool.
        await pipeline.StopFunctionsAsync();
        await Faults.ChurnSourceAsync(pipeline, site, round: 1);
        await pipeline.RunUploaderAsync(site);
        await Faults.ChurnSourceAsync(pipeline, site, round: 2);
        await pipeline.RunUploaderAsync(site);
        var spooled = Faults.SpooledFiles(site).OrderBy(f => Faults.SnapshotIdOf(f).ToString(), StringComparer.Ordinal).ToList();
        Assert.Equal(2, spooled.Count);
        var (older, newer) = (spooled[0], spooled[1]);
        var copies = Directory.CreateTempSubdirectory("delivery-").FullName;
        var (olderCopy, newerCopy) = (Path.Combine(copies, Path.GetFileName(older)), Path.Combine(copies, Path.GetFileName(newer)));
        File.Copy(older, olderCopy);
        File.Copy(newer, newerCopy);
        await pipeline.StartFunctionsAsync();

        // The newer one, ten times at once (a client retrying over a flaky link), then twice more after its load.
        using var client = new SnapshotPutClient(pipeline.Endpoint, 10);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Faults.PutOnceAsync(client, site, "hipertensos", newerCopy)));
        Assert.All(concurrent, status => Assert.Equal(202, status));
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1), expectedAtLeast: 2);
        Assert.Equal(202, await Faults.PutOnceAsync(client, site, "hipertensos", newerCopy));
        Assert.Equal(202, await Faults.PutOnceAsync(client, site, "hipertensos", newerCopy));

        // The older one arrives last: accepted, not applied.
        Assert.Equal(202, await Faults.PutOnceAsync(client, site, "hipertensos", olderCopy));
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1), expectedAtLeast: 3);

        // The site's next run: its spool still holds both; the older is dropped there, the newer is a repeat.
        var next = await pipeline.RunUploaderAsync(site);
        Assert.True(next.ExitCode == 0, next.Combined);
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1), expectedAtLeast: 4);
        var before = await RowVersions.OfAsync(pipeline.CentralConnection, site.Ibge);
        var newerId = Faults.SnapshotIdOf(newer);
        Assert.Equal(1, CountLines(pipeline.FunctionsLog, $"Function.load.User: snapshot {newerId}: loaded")); // one load for 13 PUTs

        // The run's fresh extraction found the rows central holds: an unchanged delivery, recorded with no blob (ADR 0024).
        Assert.Contains("recorded without sending the list", next.Combined, StringComparison.Ordinal);

        // Everything stored is replayed from blob storage, three times: every replay is a no-op. Three blobs: the
        // first run's, the older and the newer; the unchanged delivery has none.
        for (var i = 0; i < 3; i++)
        {
            var replay = await pipeline.FunctionsCommandAsync(["replay", "blobs", "--site", site.Ibge]);
            Assert.Contains("3 snapshot(s) replayed", replay.StandardOutput, StringComparison.Ordinal);
        }

        await Eventually.UntilAsync(
            () => CountLines(pipeline.FunctionsLog, "SnapshotAlreadyFinal"), n => n >= 9, TimeSpan.FromMinutes(1), "nine replayed loads found final (SnapshotAlreadyFinal)",
            TimeSpan.FromMilliseconds(200), n => $"{n} SnapshotAlreadyFinal line(s)", () => pipeline.FunctionsLog);
        var olderId = Faults.SnapshotIdOf(older);
        var snapshots = await Reconciliation.AssertAsync(pipeline, [site], sentByTest: [olderId, newerId]);
        Assert.Equal(before, await RowVersions.OfAsync(pipeline.CentralConnection, site.Ibge));
        Assert.Equal(4, snapshots.Count);
        var newerRow = Assert.Single(snapshots, s => s.SnapshotId == newerId);
        Assert.Equal("loaded", newerRow.Status);
        var olderRow = Assert.Single(snapshots, s => s.SnapshotId == olderId);
        Assert.Equal(("skipped", "older-snapshot"), (olderRow.Status, olderRow.ErrorCode));
        Directory.Delete(copies, recursive: true);
    }

    private static int CountLines(string text, string marker) => text.Split('\n').Count(l => l.Contains(marker, StringComparison.Ordinal));
}
