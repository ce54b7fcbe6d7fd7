using System.Globalization;
using Npgsql;

namespace LocalInfra.Usuarios;

/// <summary>
/// The mirror's lag, from the source's commit of each change to the moment the central table showed it: the load that
/// committed the first delivery read after the change was committed (a read sees every row committed before it
/// starts, and a delivery's extraction time is taken before its read). Hard deletes are left out: they reach central
/// with the next key set, by design a day apart. Also counts the late commits the pipeline had to catch by its
/// lookback: changes committed after a loaded delivery's cursor had already passed their <c>updated_at</c>.
/// </summary>
public sealed record MirrorLag(int Changes, TimeSpan P50, TimeSpan P95, TimeSpan Max, int NotYetVisible, int LateCommitsBehindTheCursor)
{
    public static async Task<MirrorLag> MeasureAsync(string centralConnection, string site, string list, IReadOnlyList<UsuariosChange> changes, CancellationToken ct = default)
    {
        var deliveries = await DeliveriesAsync(centralConnection, site, list, ct);
        var lags = new List<TimeSpan>();
        var notVisible = 0;
        var behind = 0;
        foreach (var change in changes.Where(c => c.Kind != UsuariosChangeKind.HardDelete))
        {
            var first = deliveries.Where(d => d.ExtractedAt >= change.CommittedAt).MinBy(d => d.LoadFinishedAt);
            if (first is null)
            {
                notVisible++;
            }
            else
            {
                lags.Add(first.LoadFinishedAt - change.CommittedAt);
            }

            if (deliveries.Any(d => d.Cursor is { } cursor && cursor > change.UpdatedAt && d.LoadFinishedAt < change.CommittedAt))
            {
                behind++;
            }
        }

        lags.Sort();
        return new MirrorLag(lags.Count, Percentile(lags, 0.50), Percentile(lags, 0.95), lags.Count == 0 ? TimeSpan.Zero : lags[^1], notVisible, behind);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"mirror lag over {Changes} changes (source commit → visible at central): p50 {P50.TotalSeconds:F1} s, p95 {P95.TotalSeconds:F1} s, max {Max.TotalSeconds:F1} s; {LateCommitsBehindTheCursor} late commit(s) caught by the lookback after the cursor had passed them");

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed record Delivery(DateTimeOffset ExtractedAt, DateTimeOffset LoadFinishedAt, DateTimeOffset? Cursor);

    private static async Task<List<Delivery>> DeliveriesAsync(string centralConnection, string site, string list, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(centralConnection);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT extracted_at, load_finished_at, delivery_cursor FROM ingest.snapshots
             WHERE site_id = @site AND list_name = @list AND status = 'loaded' AND delivery_kind IN ('snapshot', 'changes')
            """, connection);
        command.Parameters.AddWithValue("site", site);
        command.Parameters.AddWithValue("list", list);
        var deliveries = new List<Delivery>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            deliveries.Add(new Delivery(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)));
        }

        return deliveries;
    }
}
