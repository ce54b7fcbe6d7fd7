using System.Globalization;

namespace Bench;

/// <summary>The usuarios benchmark's tables, as pasted into docs/benchmarks.md.</summary>
public static class UsuariosReport
{
    public static void Print(int rows, DayOfChanges day, IReadOnlyList<MirrorResult> results, LagResult lag)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"usuarios: {rows} rows; the day: {day.Total} changes ({day.Updates} updates, {day.Inserts} inserts, {day.SoftDeletes} soft deletes, {day.HardDeletes} hard deletes)"));
        Console.WriteLine();
        Console.WriteLine("| run | uploader run (s) | until loaded (s) | bytes sent: gzip bodies (MB) | central WAL (MB) | rows written (ins/upd/del) | deliveries (kind, gzip bytes) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(c,
                $"| {r.Name} | {r.RunSeconds:F1} | {r.LoadedSeconds:F1} | {r.BytesSent / 1e6:F2} | {r.WalBytes / 1e6:F1} | {r.RowsWritten} ({r.Inserted}/{r.Updated}/{r.Deleted}) | {r.Deliveries} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(c,
            $"lag: {lag.Minutes} min at {lag.ChangesPerMinute} changes/min, the list every minute (watch): {lag.Committed} changes, {lag.Lags.Count} seen, {lag.NotSeen} not seen; "
            + $"p50 {Percentile.Of(lag.Lags, 50):F1} s, p95 {Percentile.Of(lag.Lags, 95):F1} s, max {(lag.Lags.Count == 0 ? double.NaN : lag.Lags.Max()):F1} s"));
    }
}
