using System.Globalization;
using LocalInfra;
using PecLists.Contracts;

namespace Bench;

/// <summary>The ingest benchmark's markdown tables: throughput and latency, then the accounting of every snapshot.</summary>
public static class IngestReport
{
    public static void Print(int puts, int clients, int sites, double putSeconds, double drainSeconds, IReadOnlyList<PutOutcome> outcomes, Dictionary<string, int> counts, long totalRows)
    {
        static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);
        var accepted = outcomes.Where(o => o.Status == 202).ToList();
        var last = accepted.Select(o => o.Seconds * 1000).ToList();
        var total = accepted.Select(o => o.TotalSeconds * 1000).ToList();
        var refusals = outcomes.Sum(o => o.Refusals);
        var other = outcomes.Count(o => o.Status != 202);
        Console.WriteLine();
        Console.WriteLine("| PUTs | clients | sites | time for all PUTs (s) | PUTs/s | accepted (202) | 429 refusals, retried | not accepted in the end | latency p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(
            $"| {puts} | {clients} | {sites} | {F(putSeconds)} | {F(puts / putSeconds, "F0")} | {accepted.Count} | {refusals} | {other} | " +
            $"{F(Percentile.Of(last, 50))} | {F(Percentile.Of(last, 95))} | {F(Percentile.Of(last, 99))} | {F(last.DefaultIfEmpty(double.NaN).Max())} |");
        Console.WriteLine();
        Console.WriteLine(
            $"Latency is the accepted attempt's, request sent to response read. Including waits after 429 refusals: p50 {F(Percentile.Of(total, 50))} ms, " +
            $"p95 {F(Percentile.Of(total, 95))} ms, p99 {F(Percentile.Of(total, 99))} ms, max {F(total.DefaultIfEmpty(double.NaN).Max())} ms.");
        Console.WriteLine();
        int Count(string status) => counts.TryGetValue(status, out var n) ? n : 0;
        var settled = Count(SnapshotStatuses.Loaded) + Count(SnapshotStatuses.Skipped) + Count(SnapshotStatuses.Rejected) + Count(SnapshotStatuses.Held);
        var stuck = string.Join(", ", counts.Where(c => c.Key is not (SnapshotStatuses.Loaded or SnapshotStatuses.Skipped or SnapshotStatuses.Rejected or SnapshotStatuses.Held)).Select(c => $"{c.Value} {c.Key}"));
        Console.WriteLine("| received (accepted PUTs) | rows in ingest.snapshots | loaded | skipped | rejected | held | not settled | all settled after the last PUT (s) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(
            $"| {accepted.Count} | {totalRows} | {Count(SnapshotStatuses.Loaded)} | {Count(SnapshotStatuses.Skipped)} | {Count(SnapshotStatuses.Rejected)} | {Count(SnapshotStatuses.Held)} | " +
            $"{accepted.Count - settled}{(stuck.Length == 0 ? string.Empty : $" ({stuck})")} | {F(drainSeconds)} |");
        Console.WriteLine();
        Console.WriteLine(settled == accepted.Count && totalRows == accepted.Count
            ? $"received = loaded + skipped + rejected + held: {accepted.Count} = {Count(SnapshotStatuses.Loaded)} + {Count(SnapshotStatuses.Skipped)} + {Count(SnapshotStatuses.Rejected)} + {Count(SnapshotStatuses.Held)}"
            : $"ACCOUNTING DOES NOT HOLD: {accepted.Count} received, {settled} settled, {totalRows} rows");
    }
}
