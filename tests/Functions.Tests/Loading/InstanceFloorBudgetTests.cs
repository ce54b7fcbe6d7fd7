using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Dapper;
using LocalInfra;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PecLists.Functions.Tests.Loading;

/// <summary>
/// The connection budget at Flex Consumption's instance floor (issue 24 item 1, ADR 0020), with the numbers the
/// deployment uses (<see cref="DeployedBudget"/>: bicep/main.bicep's defaults, the function groups from function.json).
/// A real PostgreSQL with the deployed max_connections, a real PgBouncer in transaction mode with the deployed pool, and
/// for every function group 40 instances' worth of pools, each an NpgsqlDataSource built by the app's own
/// <see cref="CentralDatabase.Create"/> as in Azure (Database:TransactionPooling, Database:MaxPoolSize), each driven by as
/// many concurrent workers as its pool has connections, so every pool can be full at once. The load group runs the real
/// <see cref="SnapshotLoader"/> over staged snapshots (deferred ones come back later, as the queue brings them back); the
/// HTTP and timer groups run the ledger queries their functions run.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class InstanceFloorBudgetTests(InfraFixture infra, ITestOutputHelper output)
{
    private const string Container = "budget-tests";
    private const string MonitorName = "budget-monitor";

    /// <summary>Over how long the HTTP and timer instances come up.</summary>
    private static readonly TimeSpan StartSpread = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task At_the_instance_floor_every_function_groups_pools_through_PgBouncer_get_no_connection_error_and_loads_never_exceed_the_cap()
    {
        var budget = DeployedBudget.Read();
        Assert.Contains("http", budget.FunctionGroups);
        Assert.Contains(LoadFunction.Name, budget.FunctionGroups);
        await using var postgres = await PostgresServer.StartAsync(settings: new Dictionary<string, string> { ["max_connections"] = Text(budget.MaxConnections) });
        await postgres.CreateDatabaseAsync("central");
        Assert.True(Migrator.Migrate(postgres.ConnectionString("central"), TextWriter.Null).Succeeded);
        await using var bouncer = await PgBouncerServer.StartAsync(postgres, "central", budget.PgBouncerPoolSize, budget.PgBouncerMaxClientConnections);
        var snapshots = await StageAsync(postgres);

        // Every instance of every group, configured as the app configures itself in Azure (bicep's app settings).
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Central"] = bouncer.ConnectionString("central") })
            .Build();
        var database = new DatabaseOptions { MaxPoolSize = budget.MaxPoolSize, TransactionPooling = true };
        var instances = budget.FunctionGroups.ToDictionary(
            g => g,
            _ => Enumerable.Range(0, budget.MaximumInstanceCount).Select(_ => CentralDatabase.Create(configuration, new LoadOptions().TempBuffersMB, database)).ToList());
        var errors = new ConcurrentQueue<string>();
        using var loadsDone = new CancellationTokenSource();
        var over = new List<string>();
        var monitor = MonitorAsync(postgres, bouncer.Port, budget.MaxConcurrentLoads, budget.PgBouncerPoolSize, over, loadsDone.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var poolsFilled = 0;
        var loadsFinished = false;
        try
        {
            // The HTTP and timer instances come up over the first StartSpread, as a scale-out adds instances over time
            // rather than all in one instant; the load group's all start at once with the storm.
            var work = new List<Task>();
            var pools = new List<PoolFull>();
            foreach (var (group, sources) in instances.Where(g => g.Key != LoadFunction.Name))
            {
                foreach (var source in sources)
                {
                    var poolFull = new PoolFull(budget.MaxPoolSize);
                    pools.Add(poolFull);
                    var start = TimeSpan.FromMilliseconds(Random.Shared.Next((int)StartSpread.TotalMilliseconds));
                    work.AddRange(Enumerable.Range(0, budget.MaxPoolSize).Select(_ => Task.Run(() => HammerAsync(group, source, start, poolFull, snapshots, errors, loadsDone.Token))));
                }
            }

            var loadPools = instances[LoadFunction.Name].Select(_ => new PoolFull(budget.MaxPoolSize)).ToList();
            pools.AddRange(loadPools);
            var loads = RunLoadsAsync(instances[LoadFunction.Name], loadPools, budget, snapshots, errors, loadsDone.Token);
            loadsFinished = await Task.WhenAny(loads, Task.Delay(TimeSpan.FromMinutes(10))) == loads;
            await Task.WhenAny(Task.WhenAll(pools.Select(p => p.Filled)), Task.Delay(TimeSpan.FromMinutes(2)));
            poolsFilled = pools.Count(p => p.Filled.IsCompleted);
            await loadsDone.CancelAsync();
            await Task.WhenAll(work);
            await loads;
        }
        finally
        {
            await loadsDone.CancelAsync();
            foreach (var source in instances.Values.SelectMany(s => s))
            {
                await source.DisposeAsync();
            }
        }

        var peaks = await monitor;
        var duration = clock.Elapsed;
        await using var check = new NpgsqlConnection(postgres.ConnectionString("central"));
        await check.OpenAsync();
        var rows = (await check.QueryAsync<(string Status, DateTime Start, DateTime End)>(
            "SELECT status, coalesce(load_started_at, now()), coalesce(load_finished_at, now()) FROM ingest.snapshots WHERE snapshot_id = ANY(@ids)",
            new { ids = snapshots.Select(s => s.SnapshotId).ToArray() })).ToList();
        var sweptPeak = PeakOverlap(rows.Select(r => (r.Start, r.End)));
        var refusedByServer = File.ReadAllLines(postgres.LogFile).Count(l => l.Contains("too many clients", StringComparison.Ordinal) || l.Contains("connection slots are reserved", StringComparison.Ordinal));
        var clientMaximum = budget.FunctionGroups.Count * budget.MaximumInstanceCount * budget.MaxPoolSize;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"groups {string.Join(", ", budget.FunctionGroups)}; {budget.MaximumInstanceCount} instances each, pools of {budget.MaxPoolSize}: at most {clientMaximum} client connections; " +
            $"PgBouncer pool {budget.PgBouncerPoolSize}, max_client_conn {budget.PgBouncerMaxClientConnections}; max_connections {budget.MaxConnections}; cap {budget.MaxConcurrentLoads}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"measured: peak client connections to PgBouncer {peaks.Clients}, peak server connections (app, without the monitor) {peaks.Server}, " +
            $"peak loads holding a slot (pg_locks samples) {peaks.Slots}, peak overlapping loads (load_started_at..load_finished_at) {sweptPeak}, " +
            $"{snapshots.Count} snapshots ({rows.Count(r => r.Status == SnapshotStatuses.Loaded)} loaded, {rows.Count(r => r.Status == SnapshotStatuses.Skipped)} skipped), " +
            $"{peaks.Samples} samples, {duration.TotalSeconds:F1} s, connection refusals in the server log {refusedByServer}, errors {errors.Count}; " +
            $"pools filled to {budget.MaxPoolSize}: {poolsFilled} of {budget.FunctionGroups.Count * budget.MaximumInstanceCount}; loads finished: {loadsFinished}"));

        output.WriteLine("server backends above the pool: " + string.Join(" | ", over));
        Assert.True(errors.IsEmpty, $"{errors.Count} errors:\n{string.Join('\n', errors.GroupBy(e => e).OrderByDescending(g => g.Count()).Take(10).Select(g => $"{g.Count()} × {g.Key}"))}");
        Assert.Equal(0, refusedByServer);
        Assert.True(loadsFinished, "the loads did not finish within 10 minutes");
        Assert.Equal(budget.FunctionGroups.Count * budget.MaximumInstanceCount, poolsFilled);
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { SnapshotStatuses.Loaded, SnapshotStatuses.Skipped }));
        Assert.Equal(snapshots.Count, rows.Count);

        // The cap: never more loads at once than Load:MaxConcurrentLoads, and the storm did fill it.
        Assert.Equal(budget.MaxConcurrentLoads, sweptPeak);
        Assert.InRange(peaks.Slots, 1, budget.MaxConcurrentLoads);

        // The budget: the server's connections stay within what the budget gives the app (max_connections minus the
        // reserved ones) while the pools together hold far more than max_connections. What the server sees is PgBouncer's
        // pool: measured 50–52 against a pool of 50 (PgBouncer 1.18 overshot by 2 while 4,000 clients logged in within
        // seconds), independent of the instance count; the budget keeps the reserve above it.
        Assert.InRange(peaks.Server, 1, budget.MaxConnections - budget.ReservedConnections);
        Assert.True(peaks.Server < budget.PgBouncerPoolSize + budget.ReservedConnections, $"{peaks.Server} server connections: more than PgBouncer's pool and the reserve");
        Assert.True(peaks.Clients > budget.MaxConnections, $"the pools never held more than max_connections ({peaks.Clients}): the test did not reach the floor's load");
        Assert.InRange(peaks.Clients, 1, budget.PgBouncerMaxClientConnections);
    }

    [Fact]
    public async Task Without_PgBouncer_one_function_groups_pools_at_the_instance_floor_are_refused_by_max_connections()
    {
        // The counterfactual the budget test is measured against: the same pools straight to PostgreSQL (as before
        // ADR 0020), one function group only, each instance opening its pool's connections.
        var budget = DeployedBudget.Read();
        await using var postgres = await PostgresServer.StartAsync(settings: new Dictionary<string, string> { ["max_connections"] = Text(budget.MaxConnections) });
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Central"] = postgres.ConnectionString() })
            .Build();
        var sources = Enumerable.Range(0, budget.MaximumInstanceCount)
            .Select(_ => CentralDatabase.Create(configuration, 8, new DatabaseOptions { MaxPoolSize = budget.MaxPoolSize })).ToList();
        var open = new ConcurrentBag<NpgsqlConnection>();
        var refused = 0;
        try
        {
            await Task.WhenAll(sources.SelectMany(s => Enumerable.Range(0, budget.MaxPoolSize).Select(async _ =>
            {
                try
                {
                    open.Add(await s.OpenConnectionAsync());
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.TooManyConnections)
                {
                    Interlocked.Increment(ref refused);
                }
            })));
        }
        finally
        {
            foreach (var connection in open)
            {
                await connection.DisposeAsync();
            }

            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }

        output.WriteLine($"{budget.MaximumInstanceCount} × {budget.MaxPoolSize} direct connections against max_connections {budget.MaxConnections}: {open.Count} opened, {refused} refused (53300)");
        Assert.True(refused > 0);
        Assert.Equal(budget.MaximumInstanceCount * budget.MaxPoolSize, open.Count + refused);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The most intervals overlapping at any instant.</summary>
    private static int PeakOverlap(IEnumerable<(DateTime Start, DateTime End)> intervals)
    {
        int running = 0, peak = 0;
        foreach (var (_, delta) in intervals.SelectMany(i => new[] { (i.Start, +1), (i.End, -1) }).OrderBy(e => e.Item1).ThenBy(e => e.Item2))
        {
            running += delta;
            peak = Math.Max(peak, running);
        }

        return peak;
    }

    /// <summary>
    /// The snapshots of the storm: 200 sites, the first 40 with two snapshots each (one site's two loads contend for its
    /// pair lock: the older one is loaded or skipped, whichever runs first), 500 rows apiece. Staged as ingest leaves them: the blob stored, the row queued.
    /// </summary>
    private async Task<List<LoadMessage>> StageAsync(PostgresServer postgres)
    {
        await using var setup = NpgsqlDataSource.Create(postgres.ConnectionString("central"));
        await ListPublisher.PublishAsync(setup, InfraFixture.TestList, activate: true, CancellationToken.None);
        await infra.Blobs.GetBlobContainerClient(Container).CreateIfNotExistsAsync();
        var store = new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = Container }));
        var messages = new List<LoadMessage>();
        var extracted = DateTimeOffset.UtcNow.AddHours(-2);
        for (var s = 0; s < 200; s++)
        {
            var site = (2_000_000 + s).ToString(CultureInfo.InvariantCulture);
            await SiteTokens.AddSiteAsync(setup, site, $"Município {site}", CancellationToken.None);
            for (var n = 0; n < (s < 40 ? 2 : 1); n++)
            {
                var extractedAt = extracted.AddMinutes(n);
                var id = Guid.CreateVersion7(extractedAt);
                var list = InfraFixture.TestList.Name;
                var blob = SnapshotStore.BlobName(site, list, extractedAt, id);
                var body = Csv.Gzip(Csv.Rows([.. Enumerable.Range(0, 500).Select(r => $"{r},Pessoa {r} {n},1950-01-02,t,{r}")]));
                await store.TryCreateAsync(blob, new MemoryStream(body), new Dictionary<string, string> { ["digest"] = Csv.Digest(body) }, CancellationToken.None);
                await using var connection = await setup.OpenConnectionAsync();
                await connection.ExecuteAsync(
                    """
                    INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, status)
                    VALUES (@id, @site, @list, @blob, @digest, @bytes, @extractedAt, 'queued')
                    """,
                    new { id, site, list, blob, digest = Csv.Digest(body), bytes = (long)body.Length, extractedAt });
                messages.Add(new LoadMessage(id, site, list, blob, extractedAt));
            }
        }

        return messages;
    }

    /// <summary>
    /// The load group: every instance's workers (as many as its pool) fill its pool, then take messages from one queue and run the real
    /// loader; a deferred message comes back after a short jittered delay, as LoadFunction's deferral does through the
    /// queue. Done when every snapshot reached an outcome.
    /// </summary>
    private async Task RunLoadsAsync(List<NpgsqlDataSource> sources, List<PoolFull> pools, DeployedBudget budget, List<LoadMessage> snapshots, ConcurrentQueue<string> errors, CancellationToken stop)
    {
        var queue = Channel.CreateUnbounded<LoadMessage>();
        foreach (var message in snapshots)
        {
            queue.Writer.TryWrite(message);
        }

        var outstanding = snapshots.Count;
        var options = Options.Create(new LoadOptions { MaxConcurrentLoads = budget.MaxConcurrentLoads });
        var store = new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = Container }));
        var workers = new List<Task>();
        var catalogs = new List<ListCatalog>();
        foreach (var (source, poolFull) in sources.Zip(pools))
        {
            var catalog = new ListCatalog(source, TimeProvider.System);
            catalogs.Add(catalog);
            var loader = new SnapshotLoader(source, store, catalog, options, NullLogger<SnapshotLoader>.Instance);
            workers.AddRange(Enumerable.Range(0, budget.MaxPoolSize).Select(worker => Task.Run(async () =>
            {
                if (!await FillAsync(LoadFunction.Name, source, poolFull, errors, stop))
                {
                    return;
                }

                await foreach (var message in queue.Reader.ReadAllAsync(stop))
                {
                    var outcome = await LoadOnceAsync(loader, message, errors);
                    if (outcome == LoadResult.Deferred)
                    {
                        _ = ComeBackLaterAsync(queue.Writer, message);
                    }
                    else if (Interlocked.Decrement(ref outstanding) == 0)
                    {
                        queue.Writer.Complete();
                    }
                }
            })));
        }

        try
        {
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped before every snapshot reached an outcome: the test reports it.
        }
        finally
        {
            catalogs.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// Fills the instance's pool: every worker opens a connection and holds it until all of them have one (the pool's
    /// maximum, the budget's worst case; a connection to PgBouncer that runs nothing costs the server nothing). False
    /// when stopped first.
    /// </summary>
    private static async Task<bool> FillAsync(string group, NpgsqlDataSource source, PoolFull poolFull, ConcurrentQueue<string> errors, CancellationToken stop)
    {
        try
        {
            await using var held = await source.OpenConnectionAsync(stop);
            await poolFull.ArriveAndWaitAsync(stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e)
        {
            errors.Enqueue($"{group}: {Describe(e)}");
            return true;
        }
    }

    /// <summary>The loader's answer, or (an error recorded) Deferred so the message is tried again, as the queue would.</summary>
    private static async Task<string> LoadOnceAsync(SnapshotLoader loader, LoadMessage message, ConcurrentQueue<string> errors)
    {
        try
        {
            return (await loader.LoadAsync(message, CancellationToken.None)).Status;
        }
        catch (Exception e)
        {
            errors.Enqueue($"load: {Describe(e)}");
            return LoadResult.Deferred;
        }
    }

    private static async Task ComeBackLaterAsync(ChannelWriter<LoadMessage> queue, LoadMessage message)
    {
        // The queue's visibility delay of a deferred copy (Load:DeferSeconds × 0.5–1.5), a second instead of 15 s here.
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(500, 1500)));
        queue.TryWrite(message);
    }

    /// <summary>
    /// One worker of an HTTP or timer instance, which comes up at <paramref name="start"/>. First the instance's pool is
    /// filled (<see cref="FillAsync"/>), then the group's own queries until the loads are done, each worker
    /// waiting between two as a request's arrival would (HTTP: 2–6 s; timers, which really run every few minutes:
    /// 20–40 s), starting at a random point of that wait.
    /// </summary>
    private static async Task HammerAsync(string group, NpgsqlDataSource source, TimeSpan start, PoolFull poolFull, List<LoadMessage> snapshots, ConcurrentQueue<string> errors, CancellationToken done)
    {
        var ledger = new SnapshotLedger(source);
        var (least, most) = group == "http" ? (2000, 6000) : (20000, 40000);
        try
        {
            await Task.Delay(start, done);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!await FillAsync(group, source, poolFull, errors, done))
        {
            return;
        }

        try
        {
            await Task.Delay(Random.Shared.Next(0, least), done);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!done.IsCancellationRequested)
        {
            try
            {
                await (group switch
                {
                    "sweep-received" => (Task)ledger.FindUnqueuedAsync(TimeSpan.FromMinutes(5), 100, CancellationToken.None),
                    "retention" => ledger.DeleteOldFinalAsync(DateTimeOffset.UtcNow.AddYears(-10), 100, CancellationToken.None),
                    "fleet-metrics" => ledger.ReadFleetAsync(new FleetOptions(), DateTimeOffset.UtcNow, CancellationToken.None),
                    _ => ledger.ReadStatusAsync(snapshots[Random.Shared.Next(snapshots.Count)].SnapshotId, CancellationToken.None),
                });
            }
            catch (Exception e)
            {
                errors.Enqueue($"{group}: {Describe(e)}");
            }

            try
            {
                await Task.Delay(Random.Shared.Next(least, most), done);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static string Describe(Exception e) =>
        $"{e.GetType().Name}{(e is PostgresException pg ? $" {pg.SqlState}" : string.Empty)}: {e.Message}" +
        (e.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : string.Empty) +
        $" at {e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("Npgsql", StringComparison.Ordinal) || l.Contains("PecLists", StringComparison.Ordinal))?.Trim()}";

    /// <summary>
    /// Samples, until <paramref name="done"/>, from a session of its own straight to PostgreSQL (an operator's): the
    /// server's client backends other than itself, and the load slots held (pg_locks); and the client connections to
    /// PgBouncer (established TCP connections to its port, /proc/net/tcp).
    /// </summary>
    private static async Task<(int Server, int Slots, int Clients, int Samples)> MonitorAsync(PostgresServer postgres, int bouncerPort, int cap, int poolSize, List<string> over, CancellationToken done)
    {
        var builder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString("central")) { ApplicationName = MonitorName, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        int server = 0, slots = 0, clients = 0, samples = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
        while (!done.IsCancellationRequested)
        {
            var (backends, held) = await connection.QuerySingleAsync<(int, int)>(
                """
                SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()),
                       (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = @ns::oid AND objsubid = 2)
                """,
                new { ns = LoadSlots.Namespace });
            server = Math.Max(server, backends);
            if (backends > poolSize && over.Count < 5)
            {
                over.Add(string.Join("; ", await connection.QueryAsync<string>(
                    "SELECT concat_ws(' ', pid, application_name, state, backend_start, left(query, 60)) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() ORDER BY backend_start DESC LIMIT 4")));
            }

            slots = Math.Max(slots, held);
            if (samples++ % 8 == 0)
            {
                clients = Math.Max(clients, EstablishedTo(bouncerPort));
            }

            Assert.True(held <= cap, $"{held} load slots held at once, more than the cap {cap}");
            try
            {
                await timer.WaitForNextTickAsync(done);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (server, slots, clients, samples);
    }

    /// <summary>Established IPv4 TCP connections whose remote end is 127.0.0.1:<paramref name="port"/> (the clients' side).</summary>
    private static int EstablishedTo(int port)
    {
        var remote = $":{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 3 && f[2].EndsWith(remote, StringComparison.Ordinal) && f[3] == "01");
    }
}
