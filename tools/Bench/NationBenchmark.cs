using System.Diagnostics;
using System.Globalization;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Commands;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;

namespace Bench;

/// <summary>
/// A whole day of the country (issue 25 item 3): a systematic sample of Brazil's 5,570 municipalities
/// (<see cref="NationPopulation"/>), each sending all five lists with sizes from its population
/// (<see cref="NationLists"/>), through the real function app behind the host stand-in and the loader at its shipped
/// cap, into one durable central PostgreSQL; a first day (full loads) and a next day (1 % of rows changed, every
/// extraction-time column changed). The deliveries are made before (<see cref="NationDeliveries"/>), so a day measures
/// only transmission and what the backend and the central database do with it, as the storm does.
/// <para>
/// Arrival "spread": each site starts its run at a time drawn from a triangular morning (07:00–09:00, most at 08:00),
/// compressed by <c>timeFactor</c> (default: the scale, so the sampled sites arrive at the rate the whole country
/// would). Arrival "burst": every site at once.
/// </para>
/// </summary>
public static class NationBenchmark
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <param name="newBatchThreshold">
    /// The queue trigger's newBatchThreshold, or -1 for host.json's (0). host.json's 0 with a batch of 8 makes the one
    /// local instance wait for the longest load of each batch before it fetches more; four Azure instances at batch 2
    /// each refill on their own, which batch 2 with a threshold of 6 plays more closely (ADR 0028).
    /// </param>
    /// <param name="centralCpu">
    /// When 0 or more, the central cluster is moved to that CPU (run the benchmark under <c>taskset -c</c> another one), as
    /// the storm's <c>--central-cpu</c>: the probe then reads what the loads do to the database's own CPU, not what the
    /// function app, Azurite and the clients do to a shared one (on Azure they run on other machines).
    /// </param>
    /// <param name="fence">
    /// Give other users' processes a low CPU weight for the run and, with <paramref name="centralCpu"/>, keep them off
    /// that CPU (<see cref="CpuPinning.FenceAsync"/>): on a shared machine, the probe then reads this benchmark.
    /// </param>
    /// <param name="favourCentral">
    /// Give every process but the central cluster a low CPU weight, this benchmark's function app and clients included:
    /// the database gets both cores whenever it wants them, as a server of its own would, and the probe reads what the
    /// loads leave it (the loads are fed more slowly: read their times as an upper bound).
    /// </param>
    /// <param name="sharedBuffers">
    /// The central cluster's shared_buffers (LocalInfra's is 256MB). Azure gives a server a quarter of its memory:
    /// 2GB on the shipped Standard_D2ds_v5 (8 GiB), 4GB on a D4ds_v5 (MicrosoftDocs/azure-databases-docs,
    /// articles/postgresql/server-parameters/includes/server-parameters-azure-notes-shared-buffers.md). Too small a cache
    /// lets the loads push the probe's pages out, and the probe then times page reads, not the loads' CPU.
    /// </param>
    /// <param name="fillFactor">When 10–100, every list table's fillfactor before the first day (ListPublisher's is 90 for keyed lists, 100 for keyless ones): the page fill a changed row's page image carries.</param>
    /// <param name="walCompression">The central server's wal_compression for both days ("on" is pglz, as bicep/modules/database.bicep sets).</param>
    public static async Task<int> RunAsync(double scale, string arrival, double morningHours, double timeFactor, int batch, string? dataDirectory, int newBatchThreshold = -1, int centralCpu = -1, string walCompression = "on", int fillFactor = 0, bool fence = false, bool favourCentral = false, string? sharedBuffers = null)
    {
        if (walCompression is not ("on" or "pglz" or "lz4" or "zstd" or "off"))
        {
            throw new ArgumentException($"--wal-compression {walCompression}: expected on, pglz, lz4, zstd or off", nameof(walCompression));
        }

        var names = LocalPipelineOptions.AllLists;
        var lists = names.Select(l => ListDefinitionFile.Read(Path.Combine(RepoPaths.ListsDirectory, l + ".json"))).ToList();
        var sites = NationPopulation.Sample(scale)
            .Select(s => new NationSite(
                s.Rank, s.Population, (1_000_000 + s.Rank).ToString(CultureInfo.InvariantCulture),
                [.. lists.Select(l => NationLists.Rows(l.Name, s.Population))],
                [.. lists.Select(l => (NationLists.Rows(l.Name, s.Population) + NationLists.ChangeEvery - 1) / NationLists.ChangeEvery)]))
            .ToList();
        var nationalRows = NationPopulation.All().Sum(p => lists.Sum(l => NationLists.Rows(l.Name, p)));
        var sampleRows = sites.Sum(s => s.Rows.Sum());
        var cap = int.TryParse(Environment.GetEnvironmentVariable("Load__MaxConcurrentLoads"), CultureInfo.InvariantCulture, out var c) ? c : new LoadOptions().MaxConcurrentLoads;
        var morning = TimeSpan.FromHours(morningHours) * timeFactor;
        Say(string.Create(CultureInfo.InvariantCulture,
            $"nation benchmark: scale {scale} → {sites.Count} of 5,570 sites ({sites.Sum(s => s.Population):N0} inhabitants; largest rank {sites[0].Rank}, {sites[0].Population:N0}), {sampleRows:N0} rows a day of the nation's {nationalRows:N0}; load cap {cap}, queue batch {batch}{(newBatchThreshold >= 0 ? $", newBatchThreshold {newBatchThreshold}" : string.Empty)}; morning {morningHours} h × {timeFactor} = {morning.TotalSeconds:F0} s; wal_compression {walCompression}{(fillFactor > 0 ? $"; list tables' fillfactor {fillFactor}" : string.Empty)}{(sharedBuffers is null ? string.Empty : $"; shared_buffers {sharedBuffers}")}{(centralCpu >= 0 ? $"; central PostgreSQL on CPU {centralCpu}" : string.Empty)}"));
        foreach (var (list, j) in lists.Select((l, j) => (l, j)))
        {
            Say($"  {list.Name}: {NationLists.RowsPerInhabitant[list.Name]} rows per inhabitant, {sites.Sum(s => s.Rows[j]):N0} rows, largest {sites.Max(s => s.Rows[j]):N0}");
        }

        var directory = dataDirectory ?? Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"nation-bench-{scale}"));
        var results = new List<NationDay>();
        var prepared = false;
        foreach (var mode in arrival == "both" ? new[] { "spread", "burst" } : [arrival])
        {
            var options = new LocalPipelineOptions
            {
                DurableCentral = true,
                Lists = names,
                CentralSettings = sharedBuffers is null ? null : new Dictionary<string, string> { ["shared_buffers"] = sharedBuffers },
            };
            options.FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__batchSize"] = batch.ToString(CultureInfo.InvariantCulture);
            if (newBatchThreshold >= 0)
            {
                options.FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__newBatchThreshold"] = newBatchThreshold.ToString(CultureInfo.InvariantCulture);
            }

            await using var pipeline = await LocalPipeline.StartAsync(options);
            if (centralCpu >= 0)
            {
                await CpuPinning.PinClusterAsync(pipeline.Central, centralCpu);
            }

            await using var fenced = fence || favourCentral ? await CpuPinning.FenceAsync(pipeline.Central, centralCpu, favourCentral) : null;

            if (!prepared)
            {
                Say($"making the deliveries in {directory}…");
                await NationDeliveries.PrepareAsync(pipeline.Municipal, lists, sites, directory);
                prepared = true;
            }

            await using var setup = NpgsqlDataSource.Create(Named(pipeline.CentralConnection, "bench-setup"));
            var tokens = new string[sites.Count];
            for (var i = 0; i < sites.Count; i++)
            {
                await SiteTokens.AddSiteAsync(setup, sites[i].Ibge, $"Município {sites[i].Rank}", CancellationToken.None);
                (_, tokens[i]) = await SiteTokens.IssueAsync(setup, sites[i].Ibge, CancellationToken.None);
            }

            await using var control = new NpgsqlConnection(Named(pipeline.CentralConnection, "bench-control"));
            await control.OpenAsync();
            await CentralProbe.CreateTableAsync(control);
            if (fillFactor is >= 10 and <= 100)
            {
                foreach (var list in lists)
                {
                    await Central.ExecAsync(control, string.Create(CultureInfo.InvariantCulture, $"ALTER TABLE {list.TableName} SET (fillfactor = {fillFactor})"));
                }
            }
            // The Azure server runs with wal_compression on (bicep/modules/database.bicep): both days are measured that way
            // unless --wal-compression says otherwise. wal_keep_size keeps the day's WAL for pg_waldump's breakdown: without
            // it, the checkpoints during a long day recycle the segments it starts in.
            await Central.ExecAsync(control, $"ALTER SYSTEM SET wal_compression = '{walCompression}'; ALTER SYSTEM SET wal_keep_size = '40GB'; SELECT pg_reload_conf()");
            var probe = new CentralProbe(pipeline.CentralConnection);
            for (var day = 1; day <= 2; day++)
            {
                var offsets = Offsets(sites.Count, mode == "spread" ? morning : TimeSpan.Zero);
                var result = await DayAsync(pipeline, control, probe, lists, sites, tokens, directory, mode, day, offsets, walCompression);
                results.Add(result);
            }
        }

        NationReport.Print(scale, sites, lists, nationalRows, cap, timeFactor, morningHours, results);
        return results.All(r => r.Reconciled) ? 0 : 1;
    }

    private static void Say(string text) => Console.WriteLine($"[{Clock.Elapsed:hh\\:mm\\:ss}] {text}");

    private static string Named(string connectionString, string name) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = name }.ConnectionString;

    /// <summary>Start times over the morning: triangular, most sites at its middle (uploader cron jobs set around 8:00), the same every run.</summary>
    private static TimeSpan[] Offsets(int count, TimeSpan morning)
    {
        var random = new Random(25);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var u = random.NextDouble();
            var t = u < 0.5 ? Math.Sqrt(u / 2) : 1 - Math.Sqrt((1 - u) / 2);
            return morning * t;
        })];
    }

    private static async Task<NationDay> DayAsync(
        LocalPipeline pipeline, NpgsqlConnection control, CentralProbe probe, IReadOnlyList<ListDefinition> lists, IReadOnlyList<NationSite> sites,
        string[] tokens, string directory, string mode, int day, TimeSpan[] offsets, string walCompression)
    {
        await Central.ExecAsync(control, "CHECKPOINT");
        // 30 s of idle: with 10 s the baseline's p95 moved between 5 and 117 ms from run to run on this machine.
        var idle = await probe.RunAsync(null, TimeSpan.FromSeconds(30));
        Say(string.Create(CultureInfo.InvariantCulture, $"{mode}, day {day} (probe idle p50/p95 {idle.P50:F2}/{idle.P95:F2} ms)…"));
        var before = await Central.ScalarAsync<string>(control, "SELECT pg_current_wal_insert_lsn()::text");
        var probeReadsBefore = await ProbeBlocksReadAsync(control);
        var clock = Stopwatch.StartNew();
        var (seconds, accepted) = (0.0, 0.0);
        var puts = new List<PutOutcome>();
        var stats = await probe.RunAsync(async _ =>
        {
            puts = await DeliverAsync(pipeline, lists, sites, tokens, directory, day, offsets);
            accepted = clock.Elapsed.TotalSeconds;
            Say(string.Create(CultureInfo.InvariantCulture, $"  all {puts.Count} PUTs accepted after {accepted:F1} s"));
            await WaitLoadedAsync(pipeline, control, [.. puts.Select(p => p.SnapshotId)]);
            seconds = clock.Elapsed.TotalSeconds;
        });
        var after = await Central.ScalarAsync<string>(control, "SELECT pg_current_wal_insert_lsn()::text");
        // Blocks of the probe's table and index that were not in shared_buffers: a probe slowed by page reads is a
        // cache too small for the day, not loads taking its CPU.
        var probeReads = await ProbeBlocksReadAsync(control) - probeReadsBefore;
        Say(string.Create(CultureInfo.InvariantCulture, $"  probe's table and index: {probeReads:N0} blocks read from outside shared_buffers during the day"));
        var wal = (long)await Central.ScalarAsync<decimal>(control, $"SELECT pg_wal_lsn_diff('{after}', '{before}')");

        // The next day's WAL split as issue 25 item 2 states its goal: bytes on the list tables and their indexes per
        // changed row, everything else (bookkeeping, catalogs, commits) per snapshot. The first day is all inserts.
        WalShares? shares = null;
        if (day == 2)
        {
            await Central.ExecAsync(control, "SELECT pg_switch_wal()");
            shares = await WalBreakdown.DescribeAsync(pipeline.Central, control, before, after);
            Say($"  WAL of the next day by record type and relation (wal_compression {walCompression}):{Environment.NewLine}{shares.Text}");
        }

        var ids = puts.Select(p => p.SnapshotId).ToArray();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*)::int, sum(compressed_bytes)::bigint,
                   sum(rows_inserted + rows_updated + rows_deleted)::bigint,
                   sum(extract(epoch FROM load_finished_at - load_started_at))::float8,
                   coalesce(regr_intercept(extract(epoch FROM load_finished_at - load_started_at), rows_inserted + rows_updated + rows_deleted + rows_unchanged), 0)::float8,
                   coalesce(regr_slope(extract(epoch FROM load_finished_at - load_started_at), rows_inserted + rows_updated + rows_deleted + rows_unchanged), 0)::float8
              FROM ingest.snapshots WHERE snapshot_id = ANY(@ids)
            """, control);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (count, blob, written, loadSeconds, perSnapshot, perRow) =
            (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5));
        await reader.CloseAsync();

        var tables = await Central.ScalarAsync<decimal>(control,
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'lists' AND c.relkind = 'r'");
        var (reconciled, reconciliation) = await ReconcileAsync(control, lists, sites, ids, day);
        var changed = day == 1 ? 0 : sites.Sum(s => s.ChangedRows.Sum());
        var result = new NationDay(mode, day, idle, stats, seconds, accepted, wal, shares?.ListBytes ?? 0, blob, count, sites.Sum(s => s.Rows.Sum()), written, changed,
            loadSeconds, perSnapshot, perRow, puts.Sum(p => p.Refusals), (long)tables, reconciled, reconciliation);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"  {seconds:F1} s, {count / seconds:F2} snapshots/s, probe p95 {stats.P95:F2} ms ({stats.P95 / idle.P95:F2}× idle), sessions {stats.PeakSessions} ({stats.PeakActiveSessions} busy), loads {stats.PeakLoads}, WAL {wal / 1e6:F1} MB, blob {blob / 1e6:F1} MB; {reconciliation}"));
        return result;
    }

    private static async Task<long> ProbeBlocksReadAsync(NpgsqlConnection control)
    {
        await Central.ExecAsync(control, "SELECT pg_stat_clear_snapshot()");
        return await Central.ScalarAsync<long>(control,
            "SELECT (coalesce(heap_blks_read, 0) + coalesce(idx_blks_read, 0))::bigint FROM pg_statio_user_tables WHERE relname = 'probe_atendimentos'");
    }

    /// <summary>Each site waits for its start time, then PUTs its lists one after another, as one uploader run does.</summary>
    private static async Task<List<PutOutcome>> DeliverAsync(
        LocalPipeline pipeline, IReadOnlyList<ListDefinition> lists, IReadOnlyList<NationSite> sites, string[] tokens, string directory, int day, TimeSpan[] offsets)
    {
        using var client = new SnapshotPutClient(pipeline.Endpoint, sites.Count);
        var outcomes = await Task.WhenAll(sites.Select(async (site, i) =>
        {
            await Task.Delay(offsets[i]);
            var mine = new List<PutOutcome>();
            foreach (var list in lists)
            {
                var body = await File.ReadAllBytesAsync(NationDeliveries.FilePath(directory, site, list.Name, day));
                mine.Add(await client.PutAsync(tokens[i], list.Name, body, DateTimeOffset.UtcNow, maxAttempts: 100_000));
            }

            return mine;
        }));
        var puts = outcomes.SelectMany(o => o).ToList();
        var refused = puts.Where(p => p.Status != 202).ToList();
        if (refused.Count > 0)
        {
            throw new InvalidOperationException($"{refused.Count} PUTs not accepted: {string.Join(", ", refused.GroupBy(p => p.Status).Select(g => $"{g.Count()}× HTTP {g.Key}"))}");
        }

        return puts;
    }

    private static async Task WaitLoadedAsync(LocalPipeline pipeline, NpgsqlConnection control, Guid[] ids)
    {
        var deadline = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
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

            var summary = string.Join(", ", counts.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}"));
            if (counts.Where(s => SnapshotStatuses.IsFinal(s.Key) || s.Key == SnapshotStatuses.Held).Sum(s => s.Value) == ids.Length)
            {
                return;
            }

            if (deadline.Elapsed - reported > TimeSpan.FromSeconds(30))
            {
                reported = deadline.Elapsed;
                Say($"  {summary}");
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(90) || pipeline.Host.HandlerExited)
            {
                throw new TimeoutException($"not settled after {deadline.Elapsed}: {summary}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Every site and list: the central table holds exactly the rows sent (none lost, none doubled), the next day's changed
    /// rows carry the changed value, and each snapshot's own counts say it wrote exactly what changed.
    /// </summary>
    private static async Task<(bool Reconciled, string Summary)> ReconcileAsync(NpgsqlConnection control, IReadOnlyList<ListDefinition> lists, IReadOnlyList<NationSite> sites, Guid[] ids, int day)
    {
        var problems = new List<string>();
        var byIbge = sites.Select((s, i) => (s, i)).ToDictionary(x => x.s.Ibge, x => x.s);
        for (var j = 0; j < lists.Count; j++)
        {
            var list = lists[j];
            var held = new Dictionary<string, (long Rows, long Changed)>();
            await using (var command = new NpgsqlCommand(
                $"SELECT site_id, count(*), count(*) FILTER (WHERE \"{NationLists.ChangedColumn}\" = '{NationLists.ChangedValue}') FROM {list.TableName} GROUP BY site_id", control) { CommandTimeout = 0 })
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    held[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
                }
            }

            var written = new Dictionary<string, (long Inserted, long Updated, long Deleted, string Status)>();
            await using (var command = new NpgsqlCommand(
                "SELECT site_id, coalesce(rows_inserted, 0), coalesce(rows_updated, 0), coalesce(rows_deleted, 0), status FROM ingest.snapshots WHERE snapshot_id = ANY(@ids) AND list_name = @list", control))
            {
                command.Parameters.AddWithValue("ids", ids);
                command.Parameters.AddWithValue("list", list.Name);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    written[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4));
                }
            }

            foreach (var site in sites)
            {
                var expectedChanged = day == 2 ? site.ChangedRows[j] : 0;
                var (rows, changed) = held.GetValueOrDefault(site.Ibge);
                if (rows != site.Rows[j] || changed != expectedChanged)
                {
                    problems.Add($"{site.Ibge}/{list.Name}: {rows} rows ({changed} changed), sent {site.Rows[j]} ({expectedChanged})");
                }

                var w = written.GetValueOrDefault(site.Ibge);
                var expected = day == 1 ? (site.Rows[j], 0L, 0L) : list.Key.Count > 0 ? (0L, expectedChanged, 0L) : (expectedChanged, 0L, expectedChanged);
                if (w.Status != SnapshotStatuses.Loaded || (w.Inserted, w.Updated, w.Deleted) != expected)
                {
                    problems.Add($"{site.Ibge}/{list.Name}: snapshot {w.Status} wrote +{w.Inserted} ~{w.Updated} -{w.Deleted}, expected +{expected.Item1} ~{expected.Item2} -{expected.Item3}");
                }
            }

            foreach (var extra in held.Keys.Where(k => !byIbge.ContainsKey(k)))
            {
                problems.Add($"{extra}/{list.Name}: rows for a site that sent none");
            }
        }

        return problems.Count == 0
            ? (true, $"reconciled: {sites.Count} sites × {lists.Count} lists reconciled (rows held = rows sent, changed rows = {(day == 1 ? 0 : sites.Sum(s => s.ChangedRows.Sum()))}, each snapshot wrote exactly its changes)")
            : (false, $"{problems.Count} PROBLEMS, first: {string.Join("; ", problems.Take(5))}");
    }
}
