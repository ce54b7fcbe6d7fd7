using System.Diagnostics;
using PecLists.Functions.Data;
using PecLists.Functions.Snapshots;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace Bench;

/// <summary>
/// The fleet view over a year of history: `fleet`, GET /api/v1/admin/fleet and the 5-minute fleet-metrics timer all read
/// it. Side by side in one run: the ledger's query as it is now, and the per-(site, list) query it replaced (a GROUP BY
/// over every snapshot ever received), on the same seeded database. Reports the median time and the buffers each touches.
/// </summary>
public static class FleetBenchmark
{
    private static readonly string[] Lists = ["criancas", "diabeticos", "gestantes", "hipertensos", "idosos"];

    /// <summary>The per-list half of the fleet query until 2026-11: reads every row of ingest.snapshots.</summary>
    private const string PerListGroupBy =
        """
        SELECT site_id, list_name, (array_agg(status ORDER BY extracted_at DESC))[1],
               max(load_finished_at) FILTER (WHERE status = @loadedStatus)
          FROM ingest.snapshots
         GROUP BY site_id, list_name
        """;

    public static async Task<int> RunAsync(int sites, int days, int runs)
    {
        await using var central = await PostgresServer.StartAsync(durable: true);
        await central.CreateDatabaseAsync("central");
        var connectionString = central.ConnectionString("central");
        if (!Migrator.Migrate(connectionString, TextWriter.Null).Succeeded)
        {
            throw new InvalidOperationException("migration failed");
        }

        await using var database = NpgsqlDataSource.Create(connectionString);
        await using (var seed = await database.OpenConnectionAsync())
        {
            var clock = Stopwatch.StartNew();
            await SeedAsync(seed, sites, days);
            var snapshots = await Central.ScalarAsync<long>(seed, "SELECT count(*) FROM ingest.snapshots");
            var size = await Central.ScalarAsync<long>(seed, "SELECT pg_total_relation_size('ingest.snapshots')");
            Console.WriteLine($"fleet benchmark: {sites} sites x {Lists.Length} lists x {days} days = {snapshots:N0} snapshots " +
                $"({size / 1e6:F0} MB with indexes), {sites * days:N0} heartbeats; seeded in {clock.Elapsed.TotalSeconds:F0} s; median of {runs}");
        }

        var ledger = new SnapshotLedger(database);
        var options = new FleetOptions();
        var fleet = await ledger.ReadFleetAsync(options, DateTimeOffset.UtcNow, CancellationToken.None);
        if (fleet.Count != sites || fleet.Any(s => s.LastLoadedByList.Count != Lists.Length))
        {
            throw new InvalidOperationException($"the fleet view has {fleet.Count} sites, expected {sites} with {Lists.Length} lists each");
        }

        // Same answer both ways, row for row, before anything is timed.
        var ours = await RowsAsync(database, SnapshotLedger.PerListSql);
        var groupBy = await RowsAsync(database, PerListGroupBy);
        if (ours.Count != sites * Lists.Length || !ours.SetEquals(groupBy))
        {
            throw new InvalidOperationException($"the two per-list queries disagree: {ours.Count} rows vs {groupBy.Count}, {ours.Except(groupBy).Count()} differ");
        }

        var now = await TimeAsync(runs, () => ledger.ReadFleetAsync(options, DateTimeOffset.UtcNow, CancellationToken.None));
        var perList = await TimeAsync(runs, () => RowsAsync(database, SnapshotLedger.PerListSql));
        var before = await TimeAsync(runs, () => RowsAsync(database, PerListGroupBy));

        await using var explain = await database.OpenConnectionAsync();
        var beforeBuffers = await BuffersAsync(explain, PerListGroupBy.Replace("@loadedStatus", $"'{SnapshotStatuses.Loaded}'", StringComparison.Ordinal));
        var nowBuffers = await BuffersAsync(explain, SnapshotLedger.PerListSql);
        Console.WriteLine($"{"query",-46} {"median ms",10} {"buffers",10}");
        Console.WriteLine($"{"whole fleet view, as the ledger reads it now",-46} {now,10:F1} {"",10}");
        Console.WriteLine($"{"  its per-list query",-46} {perList,10:F1} {nowBuffers,10:N0}");
        Console.WriteLine($"{"per-list query before (GROUP BY the history)",-46} {before,10:F1} {beforeBuffers,10:N0}");
        return 0;
    }

    private static async Task SeedAsync(NpgsqlConnection connection, int sites, int days)
    {
        var lists = string.Join(", ", Lists.Select(l => $"('{l}')"));
        await Central.ExecAsync(connection, $"INSERT INTO ingest.sites (site_id, name) SELECT (1100000 + i)::text, 'Município ' || i FROM generate_series(1, {sites}) i");

        // One snapshot per list per day, as the real history looks: about 2 % rejected (the newest included, so a list's
        // newest status and its last load differ) and 1 % of the older ones skipped; the rest loaded.
        await Central.ExecAsync(connection,
            $"""
            INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, received_at,
                                          status, attempts, load_started_at, load_finished_at, list_version)
            SELECT gen_random_uuid(), s.site_id, l.name, s.site_id || '/' || l.name || '/' || d, 'sha-256', 100000,
                   now() - d * interval '1 day', now() - d * interval '1 day' + interval '2 minutes',
                   CASE WHEN random() < 0.02 THEN 'rejected' WHEN d > 0 AND random() < 0.01 THEN 'skipped' ELSE 'loaded' END,
                   1, now() - d * interval '1 day' + interval '3 minutes', now() - d * interval '1 day' + interval '4 minutes', 1
              FROM ingest.sites s CROSS JOIN (VALUES {lists}) l(name) CROSS JOIN generate_series(0, {days - 1}) d
            """);
        await Central.ExecAsync(connection,
            $"""
            INSERT INTO ingest.heartbeats (site_id, received_at, report)
            SELECT s.site_id, now() - d * interval '1 day', jsonb_build_object('outcome', 'ok', 'uploaderVersion', '1.4.0', 'clockSkewSeconds', 0.4)
              FROM ingest.sites s CROSS JOIN generate_series(0, {days - 1}) d
            """);
        await Central.ExecAsync(connection,
            """
            INSERT INTO ingest.load_state (site_id, list_name, snapshot_id, extracted_at, loaded_at)
            SELECT DISTINCT ON (site_id, list_name) site_id, list_name, snapshot_id, extracted_at, load_finished_at
              FROM ingest.snapshots WHERE status = 'loaded' ORDER BY site_id, list_name, extracted_at DESC
            """);
        await Central.ExecAsync(connection, "VACUUM ANALYZE");
    }

    private static async Task<double> TimeAsync(int runs, Func<Task> step)
    {
        await step(); // warm the cache: both sides are measured hot
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await step();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static async Task<HashSet<(string, string, string, DateTime?)>> RowsAsync(NpgsqlDataSource database, string sql)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        if (sql.Contains("@loadedStatus", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("loadedStatus", SnapshotStatuses.Loaded);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new HashSet<(string, string, string, DateTime?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetDateTime(3)));
        }

        return rows;
    }

    private static async Task<long> BuffersAsync(NpgsqlConnection connection, string sql)
    {
        var plan = await Central.ScalarAsync<string>(connection, $"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}");
        using var json = System.Text.Json.JsonDocument.Parse(plan);
        var top = json.RootElement[0].GetProperty("Plan");
        return top.GetProperty("Shared Hit Blocks").GetInt64() + top.GetProperty("Shared Read Blocks").GetInt64();
    }
}
