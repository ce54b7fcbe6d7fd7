using System.Globalization;
using LocalInfra;

namespace Demo;

/// <summary>The demo's tables of numbers: the per-site report of a round, and the final summary of both rounds with the comparison.</summary>
public static class SummaryTable
{
    /// <summary>A round's snapshots, one line each with the reason of any that did not load (the report when the demo stops).</summary>
    public static IEnumerable<string> Report(IReadOnlyList<SnapshotRow> rows, IReadOnlyList<Municipality> sites)
    {
        yield return $"  {"site",-8} {"municipality",-36} {"list",-15} {"status",-8} {"inserted",9} {"updated",8} {"deleted",8} {"unchanged",9} {"queued s",9} {"load s",7}  reason";
        foreach (var row in rows.OrderBy(r => r.Site, StringComparer.Ordinal))
        {
            var name = sites.FirstOrDefault(s => s.Ibge == row.Site)?.Name ?? "?";
            yield return
                $"  {row.Site,-8} {name,-36} {row.List,-15} {row.Status,-8} {row.Inserted,9} {row.Updated,8} {row.Deleted,8} {row.Unchanged,9} " +
                $"{Seconds(row.QueueSeconds),9} {Seconds(row.LoadSeconds),7}" +
                (row.ErrorCode is null ? string.Empty : $"  {row.ErrorCode}: {row.ErrorDetail}");
        }
    }

    /// <summary>
    /// Per site and list, one line per round (status, rows inserted/updated/deleted/unchanged, queue wait, load time),
    /// the last round's line ending with how the central rows compare with the source's.
    /// </summary>
    public static IEnumerable<string> Final(IReadOnlyList<IReadOnlyList<SnapshotRow>> rounds, IReadOnlyDictionary<(string Site, string List), ComparisonResult> comparisons)
    {
        yield return $"  {"site",-8} {"list",-15} {"round",5} {"status",-8} {"inserted",9} {"updated",8} {"deleted",8} {"unchanged",9} {"queued s",9} {"load s",7}  central vs source";
        foreach (var (site, list) in comparisons.Keys.OrderBy(k => k.Site, StringComparer.Ordinal).ThenBy(k => k.List, StringComparer.Ordinal))
        {
            for (var round = 0; round < rounds.Count; round++)
            {
                var row = rounds[round].FirstOrDefault(r => r.Site == site && r.List == list);
                var last = round == rounds.Count - 1;
                var lead = round == 0 ? $"  {site,-8} {list,-15}" : $"  {string.Empty,-8} {string.Empty,-15}";
                var numbers = row is null
                    ? $"{"-",-8}"
                    : $"{row.Status,-8} {row.Inserted,9} {row.Updated,8} {row.Deleted,8} {row.Unchanged,9} {Seconds(row.QueueSeconds),9} {Seconds(row.LoadSeconds),7}";
                yield return (last ? $"{lead} {round + 1,5} {numbers}  {Describe(comparisons[(site, list)])}" : $"{lead} {round + 1,5} {numbers}").TrimEnd();
            }
        }
    }

    /// <summary>"identical (N rows)" or what differs.</summary>
    public static string Describe(ComparisonResult comparison) => comparison.Equal
        ? $"identical ({comparison.SourceRows} rows)"
        : $"DIFFERENT: source {comparison.SourceRows} rows, central {comparison.CentralRows} ({comparison.OnlyInSource} only in source, {comparison.OnlyInCentral} only in central)";

    private static string? Seconds(double? value) => value?.ToString("F2", CultureInfo.InvariantCulture);
}
