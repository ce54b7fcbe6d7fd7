using System.Text.Json;
using LocalInfra;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>
/// How every fault test ends: once the system has settled, nothing is lost, doubled or left half-way.
/// <list type="bullet">
/// <item>every snapshot the central database knows is in exactly one final place: loaded, skipped, rejected with a
/// reason, or held for an operator; none is still received, queued, loading or failed;</item>
/// <item>every snapshot a site was told was accepted (its sent.json) is known centrally, every one still in its spool
/// is not, and the central database knows no snapshot that came from nowhere;</item>
/// <item>every (site, list) table equals the site's source right now, value by value and as a multiset: zero rows lost
/// or doubled.</item>
/// </list>
/// </summary>
public static class Reconciliation
{
    private static readonly string[] Settled = ["loaded", "skipped", "rejected", "held"];

    public static async Task<IReadOnlyList<SnapshotRow>> AssertAsync(
        LocalPipeline pipeline, IReadOnlyList<Municipality> sites, IReadOnlyCollection<Guid>? sentByTest = null, IReadOnlyList<string>? lists = null)
    {
        var snapshots = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3));
        var report = string.Join('\n', snapshots.Select(s => $"{s.Site}/{s.List} {s.SnapshotId} {s.Status} {s.ErrorCode} attempts={s.Attempts}"));

        Assert.All(snapshots, s =>
        {
            Assert.True(Settled.Contains(s.Status), $"{s.SnapshotId} is {s.Status}:\n{report}");
            if (s.Status is "rejected" or "skipped" or "held")
            {
                Assert.False(string.IsNullOrEmpty(s.ErrorCode), $"{s.SnapshotId} is {s.Status} without a reason");
            }
        });

        var central = snapshots.Select(s => s.SnapshotId).ToHashSet();
        Assert.Equal(snapshots.Count, central.Count); // one row per snapshot id
        var known = new HashSet<Guid>(sentByTest ?? []);
        foreach (var site in sites)
        {
            var sent = SentIds(site);
            var spooled = Faults.SpooledFiles(site).Select(Faults.SnapshotIdOf).ToList();
            Assert.All(sent, id => Assert.True(central.Contains(id), $"site {site.Ibge} was told {id} was accepted, but the central database does not know it:\n{report}"));
            Assert.All(spooled, id => Assert.False(central.Contains(id), $"{id} is both spooled at {site.Ibge} and known centrally"));
            known.UnionWith(sent);
            known.UnionWith(spooled);
        }

        Assert.All(central, id => Assert.True(known.Contains(id), $"the central database holds {id}, which no site or test sent:\n{report}"));

        foreach (var site in sites)
        {
            foreach (var list in lists ?? ["hipertensos"])
            {
                var comparison = await pipeline.CompareAsync(site, list);
                Assert.True(comparison.Equal, $"{site.Ibge}/{list}: {comparison}\n{report}");
                Assert.True(comparison.SourceRows > 0, $"{site.Ibge}/{list} compared an empty list");
            }
        }

        return snapshots;
    }

    /// <summary>
    /// A site's newest snapshot is loaded; each older one is loaded too, or skipped as older when a newer one of the
    /// same list won the pair first (a spooled snapshot and today's are sent one after the other and load concurrently).
    /// </summary>
    public static void NewestLoadedOthersLoadedOrSuperseded(IReadOnlyList<SnapshotRow> snapshots)
    {
        foreach (var pair in snapshots.GroupBy(s => (s.Site, s.List)))
        {
            var ordered = pair.OrderBy(s => s.SnapshotId.ToString(), StringComparer.Ordinal).ToList(); // UUIDv7: extraction order
            Assert.Equal("loaded", ordered[^1].Status);
            Assert.All(ordered, s => Assert.True(
                s.Status == "loaded" || s is { Status: "skipped", ErrorCode: "older-snapshot" }, $"{s.SnapshotId}: {s.Status} {s.ErrorCode}"));
        }
    }

    /// <summary>The snapshot ids the backend accepted, as the uploader recorded them (spool/sent.json).</summary>
    public static IReadOnlyList<Guid> SentIds(Municipality site)
    {
        var file = Path.Combine(site.SpoolDirectory, "sent.json");
        if (!File.Exists(file))
        {
            return [];
        }

        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return [.. json.RootElement.EnumerateArray().Select(e => e.GetProperty("snapshotId").GetGuid())];
    }
}
