using System.Globalization;

namespace Bench;

/// <summary>The storm benchmark's markdown table and its verdict against the goal (probe p95 ≤ 1.5× idle, loads ≤ the cap).</summary>
public static class StormReport
{
    public static void Print(int sites, int lists, int citizens, int cap, IReadOnlyList<StormResult> results, long changedRows, int snapshots)
    {
        static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"| storm: {sites} sites × {lists} lists ({citizens} citizens each) | until all loaded (s) | of which until all PUTs accepted (s) | probe idle p50 / p95 (ms) | probe p50 (ms) | p95 (ms) | p99 (ms) | p95 ÷ idle p95 | peak central sessions (all / busy) | peak concurrent loads | central WAL (MB) | of which page images (MB) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(
                $"| {r.Name} | {F(r.Seconds, "F1")} | {(r.AcceptedSeconds is { } a ? F(a, "F1") : "–")} | {F(r.Idle.P50)} / {F(r.Idle.P95)} | {F(r.Stats.P50)} | {F(r.Stats.P95)} | {F(r.Stats.P99)} | " +
                $"{F(r.Stats.P95 / r.Idle.P95)} | {r.Stats.PeakSessions} / {r.Stats.PeakActiveSessions} | {r.Stats.PeakLoads} | {F(r.WalBytes / 1e6, "F1")} | {F(r.FullPageImageBytes / 1e6, "F1")} |");
        }

        Console.WriteLine();
        foreach (var r in results)
        {
            Console.WriteLine($"- {r.Name}: {r.Outcome}; probe max {F(r.Stats.Max)} ms over {r.Stats.Samples} samples");
        }

        foreach (var r in results.Where(r => r.Name.Contains("next day", StringComparison.Ordinal)))
        {
            Console.WriteLine(
                $"- {r.Name}: {changedRows} hipertensos rows changed; {F(r.WalBytes / (double)changedRows, "F0")} WAL bytes per changed row " +
                $"({F((r.WalBytes - r.FullPageImageBytes) / (double)changedRows, "F0")} without page images)");
        }

        foreach (var r in results.Where(r => r.Name.Contains("next day", StringComparison.Ordinal) && r.Wal is not null))
        {
            // The list tables' share is what the changed rows cost (autovacuum of the list tables included); the legacy
            // tables' share is autovacuum after the legacy storm just before; the rest is paid per snapshot whatever changed.
            var wal = r.Wal!;
            var perRow = wal.ListBytes / (double)changedRows;
            var perSnapshot = (r.WalBytes - wal.ListBytes - wal.LegacyBytes) / (double)snapshots;
            Console.WriteLine(
                $"- {r.Name}: {F(perRow, "F0")} WAL bytes per changed row on the list tables and their indexes (goal ≤ 2,048: {(perRow <= 2048 ? "met" : "NOT met")}), " +
                $"plus {F(perSnapshot, "F0")} bytes per snapshot elsewhere ({snapshots} snapshots), besides {F(wal.LegacyBytes / 1e6)} MB of autovacuum on the legacy tables");
        }

        foreach (var r in results.Where(r => r.Wal is not null))
        {
            Console.WriteLine();
            Console.WriteLine($"WAL of {r.Name} (pg_waldump):");
            Console.WriteLine();
            Console.Write(r.Wal!.Text);
        }

        Console.WriteLine();
        foreach (var r in results.Where(r => r.Name.StartsWith("ours", StringComparison.Ordinal)))
        {
            var ratio = r.Stats.P95 / r.Idle.P95;
            Console.WriteLine(
                $"- goal for {r.Name}: probe p95 {F(ratio)}× idle (≤ 1.5×: {(ratio <= 1.5 ? "met" : "NOT met")}), peak concurrent loads {r.Stats.PeakLoads} (≤ cap {cap}: {(r.Stats.PeakLoads <= cap ? "met" : "NOT met")})");
        }
    }
}
