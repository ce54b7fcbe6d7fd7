using System.Globalization;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;

namespace Bench;

/// <summary>The nation benchmark's tables: each day as measured, the loader's costs, and the whole country extrapolated from them.</summary>
public static class NationReport
{
    public static void Print(double scale, IReadOnlyList<NationSite> sites, IReadOnlyList<ListDefinition> lists, long nationalRows, int cap, double timeFactor, double morningHours, IReadOnlyList<NationDay> days)
    {
        static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);
        var nationalSnapshots = 5570 * lists.Count;
        var sampleRows = sites.Sum(s => s.Rows.Sum());
        var factor = nationalRows / (double)sampleRows;
        Console.WriteLine();
        Console.WriteLine($"| nation, scale {scale}: {sites.Count} sites × {lists.Count} lists, {sampleRows:N0} rows | until all loaded (s) | of which until all PUTs accepted (s) | snapshots/s | rows/s | central WAL (MB) | WAL per snapshot (kB) | WAL per changed row (B) | list tables' WAL per changed row (B) | the rest per snapshot (kB) | peak central sessions (all / busy) | peak concurrent loads | probe idle p95 (ms) | p95 (ms) | p95 ÷ idle | blob (MB) | list tables after (MB) | bytes per row held | 429s retried | reconciled |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var d in days)
        {
            Console.WriteLine(
                $"| {Name(d, timeFactor)} | {F(d.Seconds, "F1")} | {F(d.AcceptedSeconds, "F1")} | {F(d.Snapshots / d.Seconds)} | {F(d.Rows / d.Seconds, "F0")} | {F(d.WalBytes / 1e6, "F1")} | {F(d.WalBytes / 1e3 / d.Snapshots, "F1")} | " +
                $"{(d.ChangedRows > 0 ? F(d.WalBytes / (double)d.ChangedRows, "F0") : "–")} | {(d.ChangedRows > 0 ? F(d.ListTableWalBytes / (double)d.ChangedRows, "F0") : "–")} | {(d.ChangedRows > 0 ? F((d.WalBytes - d.ListTableWalBytes) / 1e3 / d.Snapshots, "F1") : "–")} | {d.Stats.PeakSessions} / {d.Stats.PeakActiveSessions} | {d.Stats.PeakLoads} | {F(d.Idle.P95)} | {F(d.Stats.P95)} | {F(d.Stats.P95 / d.Idle.P95)} | " +
                $"{F(d.BlobBytes / 1e6, "F1")} | {F(d.ListTableBytes / 1e6, "F1")} | {F(d.ListTableBytes / (double)d.Rows, "F0")} | {d.Refusals} | {(d.Reconciled ? "yes" : "NO")} |");
        }

        Console.WriteLine();
        Console.WriteLine("| loader costs (least squares over every snapshot: load time = a + b × rows) | a: s per snapshot | b: µs per row | load time summed (s) | loads at once on average |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var d in days)
        {
            Console.WriteLine($"| {Name(d, timeFactor)} | {F(d.SecondsPerSnapshot, "F3")} | {F(d.SecondsPerRow * 1e6, "F1")} | {F(d.LoadSecondsTotal, "F1")} | {F(d.LoadSecondsTotal / d.Seconds)} |");
        }

        var largest = NationPopulation.All()[0];
        Console.WriteLine();
        Console.WriteLine($"| the whole country extrapolated ({nationalSnapshots:N0} snapshots, {nationalRows:N0} rows a day; × {F(factor)} the sample) | loads at cap {cap}, from a and b (h) | from this run's rate (h) | central WAL (GB) | blob (GB) | list tables (GB) | largest snapshot (São Paulo, {lists.Max(l => NationLists.Rows(l.Name, largest)):N0} rows): one load (s) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var d in days)
        {
            var loadSeconds = (nationalSnapshots * d.SecondsPerSnapshot) + (nationalRows * d.SecondsPerRow);
            var largestLoad = d.SecondsPerSnapshot + (lists.Max(l => NationLists.Rows(l.Name, largest)) * d.SecondsPerRow);
            Console.WriteLine(
                $"| {Name(d, timeFactor)} | {F(loadSeconds / cap / 3600)} | {F(d.Seconds * factor / 3600)} | {F(d.WalBytes * factor / 1e9)} | {F(d.BlobBytes * factor / 1e9)} | {F(d.ListTableBytes * factor / 1e9)} | {F(largestLoad, "F0")} (Load:MaxLoadSeconds {new LoadOptions().MaxLoadSeconds}) |");
        }

        Console.WriteLine();
        foreach (var d in days)
        {
            var ratio = d.Stats.P95 / d.Idle.P95;
            Console.WriteLine($"- {Name(d, timeFactor)}: {d.Reconciliation}; rows written {d.RowsWritten:N0}; probe p95 {F(ratio)}× idle (≤ 1.5×: {(ratio <= 1.5 ? "met" : "NOT met")})");
        }

        Console.WriteLine($"- morning: {morningHours} h compressed × {timeFactor} ({F(morningHours * 3600 * timeFactor, "F0")} s); scale {scale} of the sites (systematic sample by size, each standing for {F(1 / scale, "F0")})");
    }

    private static string Name(NationDay d, double timeFactor) =>
        (d.Arrival == "spread" ? $"morning spread (× {timeFactor.ToString(CultureInfo.InvariantCulture)})" : "all at once") + (d.Day == 1 ? ", first day" : ", next day");
}
