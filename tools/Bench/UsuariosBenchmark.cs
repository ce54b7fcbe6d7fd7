using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;
using SyntheticPec;

namespace Bench;

/// <summary>
/// A transactional table mirrored to the central database through the real pipeline (the uploader executable, the
/// function app behind the host stand-in, Azurite, a durable central PostgreSQL), CPF and e-mail hashed at the edge:
/// (1) after a day of changes, the incremental list (changes + the day's key set) side by side with the snapshot list
/// of the same table, and (2) the mirror's lag while changes arrive continuously and the watch service polls every
/// minute. Bytes on the wire are the deliveries' gzip bodies as the backend recorded them (<c>compressed_bytes</c>): what
/// each PUT (or block upload) carried, without HTTP heads (well under a kilobyte a request) or TLS framing.
/// </summary>
public static class UsuariosBenchmark
{
    private const string Ibge = "3550308";
    private const string KeyId = "bench1";
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static async Task<int> RunAsync(int rows, int changesPerDay, int lagMinutes, int changesPerMinute)
    {
        var dayChanges = (int)((long)changesPerDay * rows / 1_000_000);
        Say($"usuarios benchmark: {rows} rows, a day of {dayChanges} changes ({changesPerDay} per 1M rows); lag: {lagMinutes} min at {changesPerMinute} changes/min");
        var options = new LocalPipelineOptions { DurableCentral = true, Lists = [] };

        // One load at a time, in arrival order: a run's changes and its key set are queued a moment apart, and when the
        // key set (extracted later) loads first the loader skips the changes as older (older-snapshot; they come again
        // at the next run from the unmoved cursor). In order, the day-after run is measured as designed; the race is
        // recorded in docs/benchmarks.md.
        options.FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__batchSize"] = "1";
        options.FunctionsEnvironment["Load__MaxConcurrentLoads"] = "1";
        await using var pipeline = await LocalPipeline.StartAsync(options);

        // The source: its own database on the "municipal" server, read by a read-only role as a site would.
        await pipeline.Municipal.CreateDatabaseAsync("transacional");
        await using var source = new NpgsqlConnection(pipeline.Municipal.ConnectionString("transacional"));
        await source.OpenAsync();
        var generate = Stopwatch.StartNew();
        await UsuariosSource.CreateAsync(source, rows);
        await PecDatabase.CreateReadOnlyRoleAsync(source, "leitura_usuarios", "leitura");
        Say($"source table ready: {rows} rows in {generate.Elapsed.TotalSeconds:F1} s");

        await pipeline.FunctionsCommandAsync(["sites", "add", "--ibge", Ibge, "--name", "Bench usuarios"]);
        var token = (await pipeline.FunctionsCommandAsync(["tokens", "issue", "--site", Ibge])).StandardOutput.Trim();
        var site = new Municipality(Ibge, "Bench usuarios", "transacional", pipeline.Municipal.ConnectionString("transacional", "leitura_usuarios", "leitura"),
            Path.Combine(pipeline.WorkPath(Ibge), "config.json"), Path.Combine(pipeline.WorkPath(Ibge), "spool"), token);
        pipeline.WriteUploaderConfig(site, pipeline.Endpoint);
        var key = RandomNumberGenerator.GetBytes(32);
        await pipeline.PublishListAsync(UsuariosLists.IncrementalJson(lookbackSeconds: 60));
        await pipeline.PublishListAsync(UsuariosLists.SnapshotJson());

        await using var central = new NpgsqlConnection(pipeline.CentralConnection);
        await central.OpenAsync();
        var results = new List<MirrorResult>
        {
            await MirrorAsync(pipeline, central, site, key, UsuariosLists.Incremental, "incremental: first run (no cursor yet: whole snapshot)"),
            await MirrorAsync(pipeline, central, site, key, UsuariosLists.Snapshot, "snapshot: first run"),
        };

        var day = await UsuariosSource.ApplyDayAsync(source, dayChanges);
        Say($"a day of changes applied: {day.Updates} updates, {day.Inserts} inserts, {day.SoftDeletes} soft deletes, {day.HardDeletes} hard deletes");
        await MoveKeySetADayBackAsync(central, site);
        results.Add(await MirrorAsync(pipeline, central, site, key, UsuariosLists.Incremental, "incremental: the day after (changes + key set)"));
        results.Add(await MirrorAsync(pipeline, central, site, key, UsuariosLists.Snapshot, "snapshot: the day after"));

        var live = await Central.ScalarAsync<long>(source, "SELECT count(*) FROM usuarios WHERE deleted_at IS NULL");
        foreach (var list in new[] { UsuariosLists.Incremental, UsuariosLists.Snapshot })
        {
            var mirrored = await Central.ScalarAsync<long>(central, $"SELECT count(*) FROM lists.{list} WHERE site_id = '{Ibge}'");
            var clear = await Central.ScalarAsync<long>(central, $"SELECT count(*) FROM lists.{list} WHERE cpf !~ '^{KeyId}:[0-9a-f]{{64}}$' OR email !~ '^{KeyId}:[0-9a-f]{{64}}$'");
            Say($"  lists.{list}: {mirrored} rows (source: {live} live rows), {clear} rows with a CPF or e-mail not hashed");
            if (mirrored != live || clear != 0)
            {
                throw new InvalidOperationException($"lists.{list} does not mirror the source: {mirrored} rows for {live}, {clear} not hashed");
            }
        }

        var lag = await LagAsync(pipeline, central, source, site, key, lagMinutes, changesPerMinute);
        UsuariosReport.Print(rows, day, results, lag);
        return 0;
    }

    private static void Say(string text) => Console.WriteLine($"[{Clock.Elapsed:mm\\:ss}] {text}");

    /// <summary>The site's config with the fleet's masking key and only <paramref name="list"/> to run.</summary>
    private static void Configure(Municipality site, byte[] key, string list)
    {
        var config = JsonNode.Parse(File.ReadAllText(site.ConfigPath))!.AsObject();
        config["maskingKey"] = new JsonObject { ["id"] = KeyId, ["key"] = Convert.ToBase64String(key) };
        config["lists"] = new JsonArray(list);
        File.WriteAllText(site.ConfigPath, config.ToJsonString());
    }

    /// <summary>
    /// One run of the real uploader for one list, until every delivery it sent is loaded: wall time (the run, and until
    /// loaded), bytes it sent, central WAL (checkpoint first, as <see cref="Central.MeasureAsync"/>), rows written.
    /// </summary>
    private static async Task<MirrorResult> MirrorAsync(LocalPipeline pipeline, NpgsqlConnection central, Municipality site, byte[] key, string list, string name)
    {
        Configure(site, key, list);
        var known = (await pipeline.SnapshotsAsync()).Select(s => s.SnapshotId).ToHashSet();
        await Central.ExecAsync(central, "CHECKPOINT");
        var before = await Central.ScalarAsync<string>(central, "SELECT pg_current_wal_insert_lsn()::text");
        var clock = Stopwatch.StartNew();
        var run = await pipeline.RunUploaderAsync(site);
        var runSeconds = clock.Elapsed.TotalSeconds;
        foreach (var line in run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine($"      uploader: {line}");
        }

        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{name}: uploader exit {run.ExitCode}\n{run.Combined}");
        }

        var loads = (await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(60))).Where(s => !known.Contains(s.SnapshotId)).ToList();
        var loadedSeconds = clock.Elapsed.TotalSeconds;
        var after = await Central.ScalarAsync<string>(central, "SELECT pg_current_wal_insert_lsn()::text");
        var wal = await Central.ScalarAsync<decimal>(central, $"SELECT pg_wal_lsn_diff('{after}', '{before}')");
        if (loads.Count == 0 || loads.Any(l => l.Status != SnapshotStatuses.Loaded))
        {
            throw new InvalidOperationException($"{name}: {string.Join(", ", loads.Select(l => $"{l.Status} {l.ErrorCode} {l.ErrorDetail}"))}");
        }

        var ids = loads.Select(l => l.SnapshotId).ToArray();
        var kinds = await DeliveryKindsAsync(central, ids);
        var sent = await BodyBytesAsync(central, ids);
        var written = loads.Sum(l => (l.Inserted ?? 0) + (l.Updated ?? 0) + (l.Deleted ?? 0));
        var result = new MirrorResult(name, runSeconds, loadedSeconds, sent, (long)wal, written,
            loads.Sum(l => l.Inserted ?? 0), loads.Sum(l => l.Updated ?? 0), loads.Sum(l => l.Deleted ?? 0), kinds);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: run {runSeconds:F1} s, loaded after {loadedSeconds:F1} s, sent {sent / 1e6:F2} MB, WAL {wal / 1_000_000m:F1} MB, written {written} ({kinds})"));
        return result;
    }

    private static async Task<long> BodyBytesAsync(NpgsqlConnection central, Guid[] ids)
    {
        await using var command = new NpgsqlCommand("SELECT sum(compressed_bytes)::bigint FROM ingest.snapshots WHERE snapshot_id = ANY(@ids)", central);
        command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> DeliveryKindsAsync(NpgsqlConnection central, Guid[] ids)
    {
        await using var command = new NpgsqlCommand("SELECT string_agg(delivery_kind || ' ' || compressed_bytes, ', ' ORDER BY received_at) FROM ingest.snapshots WHERE snapshot_id = ANY(@ids)", central);
        command.Parameters.AddWithValue("ids", ids);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// A day passes for the key set only: its last one, at the site (the spool's state) and at the backend, moved 25 hours
    /// back, so the day-after run sends the key set that is due once a day (keySetEveryHours 24), as it would a day later.
    /// </summary>
    private static async Task MoveKeySetADayBackAsync(NpgsqlConnection central, Municipality site)
    {
        var statePath = Path.Combine(site.SpoolDirectory, "state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        var sent = state.FirstOrDefault(p => string.Equals(p.Key, "keySetsSent", StringComparison.OrdinalIgnoreCase)).Value?.AsObject();
        foreach (var entry in sent?.Select(e => e.Key).ToList() ?? [])
        {
            sent![entry] = DateTimeOffset.UtcNow.AddHours(-25).ToString("O", CultureInfo.InvariantCulture);
        }

        File.WriteAllText(statePath, state.ToJsonString());
        await Central.ExecAsync(central, "UPDATE ingest.list_cursors SET keyset_at = keyset_at - interval '25 hours' WHERE keyset_at IS NOT NULL");
    }

    /// <summary>
    /// The watch service (the real <c>uploader watch</c>) polling the incremental list every minute while one change a
    /// transaction arrives at <paramref name="changesPerMinute"/> for <paramref name="minutes"/>; each change's lag is
    /// from its commit (the client's clock once COMMIT returned) to the first probe of the central table that sees it
    /// (the row with that cursor value, or gone for a soft delete), probing every 500 ms.
    /// </summary>
    private static async Task<LagResult> LagAsync(LocalPipeline pipeline, NpgsqlConnection central, NpgsqlConnection source, Municipality site, byte[] key, int minutes, int changesPerMinute)
    {
        Configure(site, key, UsuariosLists.Incremental);
        await using var watch = ChildProcess.Start("dotnet", [RepoPaths.UploaderDll, "watch", "--config", site.ConfigPath], UploaderLocale.Environment(UploaderLocale.English));
        Say($"lag: watch started (pid {watch.Id}); {minutes} min of changes at {changesPerMinute}/min once its first tick is done");

        // The first tick re-reads whatever lies in the lookback window of the acknowledged cursor (here the whole day of
        // changes, applied within one minute) and sets the list's grid: the steady state starts after it.
        var warmUp = Stopwatch.StartNew();
        while (!watch.OutputLines.Any(l => l.Contains("run finished", StringComparison.Ordinal)))
        {
            if (watch.HasExited || warmUp.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new InvalidOperationException($"the watch's first tick did not finish: {watch.Output}");
            }

            await Task.Delay(200);
        }

        Say($"lag: the watch's first tick finished after {warmUp.Elapsed.TotalSeconds:F0} s; the workload starts");
        var pending = new Dictionary<long, (LagChange Change, DateTime CommittedAt)>();
        var lags = new List<double>();
        var random = new Random(22);
        var nextId = await Central.ScalarAsync<long>(source, "SELECT max(id) FROM usuarios") + 1;
        var interval = TimeSpan.FromMinutes(1) / changesPerMinute;
        var end = DateTime.UtcNow.AddMinutes(minutes);
        var nextChange = DateTime.UtcNow;
        var nextProbe = DateTime.UtcNow;
        var committed = 0;
        var drainDeadline = end.AddMinutes(5);
        while (DateTime.UtcNow < end || (pending.Count > 0 && DateTime.UtcNow < drainDeadline))
        {
            if (watch.HasExited)
            {
                throw new InvalidOperationException($"watch exited {watch.ExitCode}: {watch.Output}");
            }

            var now = DateTime.UtcNow;
            if (now < end && now >= nextChange)
            {
                var change = await UsuariosSource.ChangeOneAsync(source, random, nextId);
                var at = DateTime.UtcNow;
                if (change.Kind == LagChangeKind.Insert)
                {
                    nextId++;
                }

                if (change.Kind != LagChangeKind.None)
                {
                    pending[change.Id] = (change, at); // a later change of the same row replaces the earlier: it is what will be seen
                    committed++;
                }

                nextChange += interval;
                continue;
            }

            if (now >= nextProbe)
            {
                var probeAt = DateTime.UtcNow;
                foreach (var id in await VisibleAsync(central, pending.Values.Select(p => p.Change).ToList()))
                {
                    lags.Add((probeAt - pending[id].CommittedAt).TotalSeconds);
                    pending.Remove(id);
                }

                nextProbe = probeAt.AddMilliseconds(500);
                continue;
            }

            var wait = new[] { nextProbe, now < end ? nextChange : DateTime.MaxValue }.Min() - now;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        }

        Say($"lag: {committed} changes committed, {lags.Count} seen at central (a row changed again before it was seen counts once), {pending.Count} not seen within 5 min of the end");
        foreach (var line in watch.OutputLines)
        {
            Console.WriteLine($"      watch: {line}");
        }

        var ticks = watch.OutputLines.Count;
        await watch.DisposeAsync();
        return new LagResult(minutes, changesPerMinute, committed, lags, pending.Count, ticks);
    }

    /// <summary>The ids of <paramref name="changes"/> that the central table shows as made.</summary>
    private static async Task<IReadOnlyList<long>> VisibleAsync(NpgsqlConnection central, IReadOnlyList<LagChange> changes)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        await using var command = new NpgsqlCommand($"SELECT id, updated_at FROM lists.{UsuariosLists.Incremental} WHERE site_id = @site AND id = ANY(@ids)", central);
        command.Parameters.AddWithValue("site", Ibge);
        command.Parameters.AddWithValue("ids", changes.Select(c => c.Id).ToArray());
        var present = new Dictionary<long, DateTime>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                present[reader.GetInt64(0)] = reader.GetDateTime(1);
            }
        }

        return [.. changes.Where(c => c.Kind == LagChangeKind.SoftDelete
            ? !present.ContainsKey(c.Id)
            : present.TryGetValue(c.Id, out var updatedAt) && updatedAt >= c.UpdatedAt).Select(c => c.Id)];
    }
}
