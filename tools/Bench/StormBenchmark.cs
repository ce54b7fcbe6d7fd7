using System.Diagnostics;
using System.Globalization;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Commands;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;

namespace Bench;

/// <summary>
/// The 8am storm (issue 12): S sites transmit every list at the same moment, against one durable central PostgreSQL,
/// the legacy way (S concurrent postgres_fdw sessions: DELETE + INSERT … SELECT) and ours (S clients PUT to the real
/// function app behind the host stand-in; the queue-triggered loader applies them at the configured cap), while a probe
/// replays a read query on the central database. Extraction runs on the municipal servers in both ways, so it is done
/// before the storms (StormSetup); a storm is only the transmission and what the central database does with it.
/// </summary>
public static class StormBenchmark
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static async Task<int> RunAsync(int siteCount, int citizens, int batch, int centralCpu = -1)
    {
        var options = new LocalPipelineOptions { DurableCentral = true, Lists = LocalPipelineOptions.AllLists };
        // One stand-in instance takes a batch of this many messages at a time, as several Azure instances would together.
        options.FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__batchSize"] = batch.ToString(CultureInfo.InvariantCulture);
        var cap = int.TryParse(Environment.GetEnvironmentVariable("Load__MaxConcurrentLoads"), CultureInfo.InvariantCulture, out var c) ? c : new LoadOptions().MaxConcurrentLoads;
        Say($"storm benchmark: {siteCount} sites × {options.Lists.Count} lists, {citizens} citizens per site; load cap {cap}, queue batch {batch}");
        await using var pipeline = await LocalPipeline.StartAsync(options);
        if (centralCpu >= 0)
        {
            await CpuPinning.PinClusterAsync(pipeline.Central, centralCpu);
        }

        var lists = options.Lists.Select(l => ListDefinitionFile.Read(Path.Combine(RepoPaths.ListsDirectory, l + ".json"))).ToList();
        await using var setup = NpgsqlDataSource.Create(Named(pipeline.CentralConnection, "bench-setup"));
        var sites = await StormSetup.PrepareAsync(pipeline, setup, lists, siteCount, citizens);
        var (day1, day2) = await ExtractAllAsync(pipeline, sites, lists);
        // Setup left an idle pooled connection per municipal database: close them, or the legacy storm's S sessions exceed max_connections.
        NpgsqlConnection.ClearAllPools();
        Say($"sites ready: {day1.Sum(s => s.Sum(b => b.Length)) / 1e6:F1} MB of gzip CSV per storm; {sites.Sum(s => s.ChangedRows)} hipertensos rows change on day 2");

        await using var control = new NpgsqlConnection(Named(pipeline.CentralConnection, "bench-control"));
        await control.OpenAsync();
        await CentralProbe.CreateTableAsync(control);
        var probe = new CentralProbe(pipeline.CentralConnection);
        var results = new List<StormResult>
        {
            await StormAsync(pipeline, control, probe, "legacy fdw: first load", () => LegacyAsync(pipeline, sites, lists, "lista")),
            await StormAsync(pipeline, control, probe, "ours: first load", () => OursAsync(pipeline, control, sites, lists, day1)),
        };

        // The Azure server runs with wal_compression on: the next day's storms are measured that way.
        await Central.ExecAsync(control, "ALTER SYSTEM SET wal_compression = on; SELECT pg_reload_conf()");
        await Task.Delay(1000);
        Say($"wal_compression = {await Central.ScalarAsync<string>(control, "SHOW wal_compression")}");
        results.Add(await StormAsync(pipeline, control, probe, "legacy fdw: next day (wal_compression on)", () => LegacyAsync(pipeline, sites, lists, "dia2")));
        results.Add(await StormAsync(pipeline, control, probe, "ours: next day (wal_compression on)", () => OursAsync(pipeline, control, sites, lists, day2)));

        await CheckSameRowsAsync(control, lists);
        StormReport.Print(siteCount, lists.Count, citizens, cap, results, sites.Sum(s => s.ChangedRows), siteCount * lists.Count);
        return 0;
    }

    private static void Say(string text) => Console.WriteLine($"[{Clock.Elapsed:mm\\:ss}] {text}");

    private static string Named(string connectionString, string name) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = name }.ConnectionString;

    /// <summary>Every site's lists as the uploader would send them: day one, and the next day's run.</summary>
    private static async Task<(byte[][][] Day1, byte[][][] Day2)> ExtractAllAsync(LocalPipeline pipeline, IReadOnlyList<StormSite> sites, IReadOnlyList<ListDefinition> lists)
    {
        var day1 = new byte[sites.Count][][];
        var day2 = new byte[sites.Count][][];
        for (var i = 0; i < sites.Count; i++)
        {
            await using var connection = new NpgsqlConnection(pipeline.Municipal.ConnectionString(sites[i].Database));
            await connection.OpenAsync();
            day1[i] = new byte[lists.Count][];
            day2[i] = new byte[lists.Count][];
            for (var j = 0; j < lists.Count; j++)
            {
                day1[i][j] = await StormSetup.ExtractAsync(connection, $"lista_{lists[j].Name}");
                day2[i][j] = await StormSetup.ExtractAsync(connection, $"dia2_{lists[j].Name}");
            }
        }

        return (day1, day2);
    }

    private static async Task<StormResult> StormAsync(LocalPipeline pipeline, NpgsqlConnection control, CentralProbe probe, string name, Func<Task<(double? Accepted, string Outcome)>> storm)
    {
        await Central.ExecAsync(control, "CHECKPOINT");
        var idle = await probe.RunAsync(null, TimeSpan.FromSeconds(10));
        Say(string.Create(CultureInfo.InvariantCulture, $"storm: {name} (probe idle p50/p95/p99 {idle.P50:F2}/{idle.P95:F2}/{idle.P99:F2} ms)…"));
        var before = await Central.ScalarAsync<string>(control, "SELECT pg_current_wal_insert_lsn()::text");
        var clock = Stopwatch.StartNew();
        var (seconds, accepted, outcome) = (0.0, (double?)null, string.Empty);
        var stats = await probe.RunAsync(async _ =>
        {
            (accepted, outcome) = await storm();
            seconds = clock.Elapsed.TotalSeconds;
        });
        var after = await Central.ScalarAsync<string>(control, "SELECT pg_current_wal_insert_lsn()::text");
        var wal = await Central.ScalarAsync<decimal>(control, $"SELECT pg_wal_lsn_diff('{after}', '{before}')");
        // pg_waldump reads only flushed WAL: a commit with an xid flushes everything before it (as Central.MeasureAsync).
        await Central.ScalarAsync<long>(control, "SELECT txid_current()");
        for (var i = 0; i < 100 && !await Central.ScalarAsync<bool>(control, $"SELECT pg_current_wal_flush_lsn() >= '{after}'::pg_lsn"); i++)
        {
            await Task.Delay(50);
        }

        var (_, fpi) = await pipeline.Central.WalStatsAsync(before, after);
        var result = new StormResult(name, idle, stats, seconds, accepted, (long)wal, fpi, outcome)
        {
            Wal = name.StartsWith("ours", StringComparison.Ordinal) ? await WalBreakdown.DescribeAsync(pipeline.Central, control, before, after) : null,
        };
        Say(string.Create(CultureInfo.InvariantCulture,
            $"  {seconds:F1} s, probe p50/p95/p99 {stats.P50:F2}/{stats.P95:F2}/{stats.P99:F2} ms, sessions {stats.PeakSessions} ({stats.PeakActiveSessions} busy), loads {stats.PeakLoads}, WAL {wal / 1e6m:F1} MB; {outcome}"));
        return result;
    }

    /// <summary>Each site's push in one session, all released at once: BEGIN; per list DELETE + INSERT … SELECT through postgres_fdw; COMMIT.</summary>
    private static async Task<(double?, string)> LegacyAsync(LocalPipeline pipeline, IReadOnlyList<StormSite> sites, IReadOnlyList<ListDefinition> lists, string prefix)
    {
        var connections = new List<NpgsqlConnection>();
        try
        {
            foreach (var site in sites)
            {
                // Unpooled: closing ends the municipal session and with it its postgres_fdw session on the central database.
                var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pipeline.Municipal.ConnectionString(site.Database)) { Pooling = false }.ConnectionString);
                connections.Add(connection);
                await connection.OpenAsync();
            }

            await Task.WhenAll(connections.Select((connection, i) => Central.ExecAsync(connection,
                "BEGIN; " + string.Concat(lists.Select(l =>
                    $"DELETE FROM legacy_{l.Name} WHERE site_id = '{sites[i].Ibge}'; INSERT INTO legacy_{l.Name} SELECT '{sites[i].Ibge}', * FROM {prefix}_{l.Name}; ")) + "COMMIT")));
            return (null, $"{sites.Count} transactions committed");
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>Every site PUTs its lists one after another (as one uploader run does), all sites at once; then waits until each snapshot is settled.</summary>
    private static async Task<(double?, string)> OursAsync(LocalPipeline pipeline, NpgsqlConnection control, IReadOnlyList<StormSite> sites, IReadOnlyList<ListDefinition> lists, byte[][][] bodies)
    {
        var clock = Stopwatch.StartNew();
        var at = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var client = new SnapshotPutClient(pipeline.Endpoint, sites.Count);
        var puts = (await Task.WhenAll(sites.Select(async (site, i) =>
        {
            var outcomes = new List<PutOutcome>();
            for (var j = 0; j < lists.Count; j++)
            {
                outcomes.Add(await client.PutAsync(site.Token, lists[j].Name, bodies[i][j], at.AddMilliseconds(j), maxAttempts: 120));
            }

            return outcomes;
        }))).SelectMany(o => o).ToList();
        var accepted = clock.Elapsed.TotalSeconds;
        var refused = puts.Where(p => p.Status != 202).ToList();
        if (refused.Count > 0)
        {
            throw new InvalidOperationException($"{refused.Count} PUTs not accepted: {string.Join(", ", refused.GroupBy(p => p.Status).Select(g => $"{g.Count()}× HTTP {g.Key}"))}");
        }

        var ids = puts.Select(p => p.SnapshotId).ToArray();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT status, count(*)::int FROM ingest.snapshots WHERE snapshot_id = ANY(@ids) GROUP BY status", control);
            command.Parameters.AddWithValue("ids", ids);
            var counts = new Dictionary<string, int>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    counts[reader.GetString(0)] = reader.GetInt32(1);
                }
            }

            var settled = counts.Where(s => SnapshotStatuses.IsFinal(s.Key) || s.Key == SnapshotStatuses.Held).Sum(s => s.Value);
            var summary = $"{puts.Count} PUTs accepted ({puts.Sum(p => p.Refusals)} 429 refusals retried); " + string.Join(", ", counts.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}"));
            if (settled == ids.Length)
            {
                return (accepted, summary);
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(30) || pipeline.Host.HandlerExited)
            {
                throw new TimeoutException($"not settled after {deadline.Elapsed}: {summary}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Both ways must have written the same rows, or the comparison means nothing.</summary>
    private static async Task CheckSameRowsAsync(NpgsqlConnection control, IReadOnlyList<ListDefinition> lists)
    {
        foreach (var list in lists)
        {
            var ours = await Central.ScalarAsync<long>(control, $"SELECT count(*) FROM lists.{list.Name}");
            var legacy = await Central.ScalarAsync<long>(control, $"SELECT count(*) FROM legacy.{list.Name}");
            Say($"  {list.Name}: ours {ours} rows, legacy {legacy} rows{(ours == legacy ? string.Empty : "  DIFFERENT")}");
            if (ours != legacy)
            {
                throw new InvalidOperationException($"{list.Name}: ours {ours} rows, legacy {legacy}");
            }
        }
    }
}
