using System.Net;
using Dapper;
using LocalInfra;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Tests.Loading;

[Collection(InfraCollection.Name)]
public sealed class LoadCapTests(InfraFixture infra)
{
    private const int SlotsBusyEvent = 2012; // OperationalLogs.LoadSlotsBusy

    [Fact]
    public async Task Slots_are_exclusive_across_transactions_and_come_back_when_the_holding_transaction_ends()
    {
        await using var first = await infra.Database.OpenConnectionAsync();
        await using var second = await infra.Database.OpenConnectionAsync();
        await using var third = await infra.Database.OpenConnectionAsync();
        var firstTransaction = await first.BeginTransactionAsync();
        await using var secondTransaction = await second.BeginTransactionAsync();
        await using var thirdTransaction = await third.BeginTransactionAsync();

        var a = await LoadSlots.TryAcquireAsync(first, firstTransaction, 2, CancellationToken.None);
        var b = await LoadSlots.TryAcquireAsync(second, secondTransaction, 2, CancellationToken.None);
        var none = await LoadSlots.TryAcquireAsync(third, thirdTransaction, 2, CancellationToken.None);

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.NotEqual(a, b);
        Assert.Null(none);
        await firstTransaction.RollbackAsync(); // no unlock by hand: the transaction's end gives the slot back
        await firstTransaction.DisposeAsync();
        Assert.Equal(a, await LoadSlots.TryAcquireAsync(third, thirdTransaction, 2, CancellationToken.None));
    }

    [Fact]
    public async Task A_load_that_finds_no_free_slot_is_deferred_and_touches_nothing()
    {
        await using var holder = await infra.Database.OpenConnectionAsync();
        await using var holding = await holder.BeginTransactionAsync();
        var slot = await LoadSlots.TryAcquireAsync(holder, holding, 1, CancellationToken.None);
        Assert.NotNull(slot);
        var store = new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions()));
        var loader = new SnapshotLoader(infra.Database, store, new ListCatalog(infra.Database, TimeProvider.System),
            Options.Create(new LoadOptions { MaxConcurrentLoads = 1 }), NullLogger<SnapshotLoader>.Instance);

        var result = await loader.LoadAsync(new LoadMessage(Guid.CreateVersion7(), "0000000", "pacientes_teste", "none", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(LoadResult.Deferred, result.Status);
    }

    [Fact]
    public async Task A_load_waiting_for_a_slot_takes_the_slot_freed_while_it_waits_instead_of_being_deferred()
    {
        await using var holder = await infra.Database.OpenConnectionAsync();
        await using var holding = await holder.BeginTransactionAsync();
        Assert.NotNull(await LoadSlots.TryAcquireAsync(holder, holding, 1, CancellationToken.None));
        var logger = new RecordingLogger<SnapshotLoader>();
        var loader = new SnapshotLoader(infra.Database, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions())),
            new ListCatalog(infra.Database, TimeProvider.System), Options.Create(new LoadOptions { MaxConcurrentLoads = 1, SlotWaitSeconds = 120 }), logger);

        // An id with no bookkeeping row: a load that gets the slot answers "unknown"; one that does not, "deferred".
        var load = loader.LoadWaitingForSlotAsync(new LoadMessage(Guid.CreateVersion7(), "0000000", "pacientes_teste", "none", DateTimeOffset.UtcNow), CancellationToken.None);
        await Eventually.UntilAsync(
            () => logger.Count(SlotsBusyEvent), n => n >= 1, TimeSpan.FromSeconds(60), "the load to find the only slot busy (LoadSlotsBusy logged)",
            TimeSpan.FromMilliseconds(20), n => $"{n} LoadSlotsBusy event(s)");
        Assert.False(load.IsCompleted);
        await holding.RollbackAsync(); // the slot comes back while the load waits

        var result = await load;

        Assert.Equal("unknown", result.Status);
        Assert.False(result.NoSlotFree);
        Assert.True(result.SlotWaited > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_load_that_finds_every_slot_busy_for_its_whole_wait_is_deferred_after_trying_again()
    {
        await using var holder = await infra.Database.OpenConnectionAsync();
        await using var holding = await holder.BeginTransactionAsync();
        Assert.NotNull(await LoadSlots.TryAcquireAsync(holder, holding, 1, CancellationToken.None));
        var logger = new RecordingLogger<SnapshotLoader>();
        var loader = new SnapshotLoader(infra.Database, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions())),
            new ListCatalog(infra.Database, TimeProvider.System), Options.Create(new LoadOptions { MaxConcurrentLoads = 1, SlotWaitSeconds = 3 }), logger);

        var result = await loader.LoadWaitingForSlotAsync(new LoadMessage(Guid.CreateVersion7(), "0000000", "pacientes_teste", "none", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(LoadResult.Deferred, result.Status);
        Assert.True(result.NoSlotFree);
        Assert.True(logger.Count(SlotsBusyEvent) >= 2, $"found the slots busy only {logger.Count(SlotsBusyEvent) + 1} times in its 3 s of waiting");
    }

    [Fact]
    public async Task A_load_whose_site_and_list_is_busy_is_deferred_at_once_without_waiting_for_a_slot()
    {
        var site = await infra.NewSiteAsync();
        var id = Guid.CreateVersion7();
        await using (var setup = await infra.Database.OpenConnectionAsync())
        {
            await setup.ExecuteAsync(
                """
                INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, status)
                VALUES (@id, @site, 'pacientes_teste', 'none', 'd', 1, now(), 'queued')
                """,
                new { id, site });
        }

        await using var other = await infra.Database.OpenConnectionAsync();
        await using var otherLoad = await other.BeginTransactionAsync();
        Assert.True(await PairLocks.TryAcquireAsync(other, otherLoad, site, "pacientes_teste", CancellationToken.None));
        var logger = new RecordingLogger<SnapshotLoader>();
        var loader = new SnapshotLoader(infra.Database, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions())),
            new ListCatalog(infra.Database, TimeProvider.System), Options.Create(new LoadOptions { MaxConcurrentLoads = 1, SlotWaitSeconds = 120 }), logger);

        var result = await loader.LoadWaitingForSlotAsync(new LoadMessage(id, "ignored", "ignored", "ignored", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(LoadResult.Deferred, result.Status);
        Assert.False(result.NoSlotFree);
        Assert.Equal(0, logger.Count(SlotsBusyEvent));
    }

    [Fact]
    public async Task A_load_whose_site_and_list_is_busy_is_deferred_gives_its_slot_back_and_leaves_the_snapshot_as_it_was()
    {
        var site = await infra.NewSiteAsync();
        var id = Guid.CreateVersion7();
        await using (var setup = await infra.Database.OpenConnectionAsync())
        {
            await setup.ExecuteAsync(
                """
                INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, status)
                VALUES (@id, @site, 'pacientes_teste', 'none', 'd', 1, now(), 'queued')
                """,
                new { id, site });
        }

        // Another instance is loading this (site, list): its load's transaction holds the pair lock.
        await using var other = await infra.Database.OpenConnectionAsync();
        await using var otherLoad = await other.BeginTransactionAsync();
        Assert.True(await PairLocks.TryAcquireAsync(other, otherLoad, site, "pacientes_teste", CancellationToken.None));
        var loader = new SnapshotLoader(infra.Database, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions())), new ListCatalog(infra.Database, TimeProvider.System),
            Options.Create(new LoadOptions { MaxConcurrentLoads = 1 }), NullLogger<SnapshotLoader>.Instance);

        var result = await loader.LoadAsync(new LoadMessage(id, "ignored", "ignored", "ignored", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(LoadResult.Deferred, result.Status);
        await using var check = await infra.Database.OpenConnectionAsync();
        Assert.Equal(("queued", 0), await check.QuerySingleAsync<(string, int)>("SELECT status, attempts FROM ingest.snapshots WHERE snapshot_id = @id", new { id }));
        await using var checking = await check.BeginTransactionAsync();
        Assert.NotNull(await LoadSlots.TryAcquireAsync(check, checking, 1, CancellationToken.None)); // the only slot is free again
    }

    [Fact]
    public async Task Central_sessions_carry_keepalives_an_idle_in_transaction_timeout_and_a_client_check()
    {
        await using var app = await InProcessApp.StartAsync(infra);
        await using var appConnection = await app.App.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().OpenConnectionAsync();

        var settings = await appConnection.QuerySingleAsync<(string, string, string, string, string)>(
            "SELECT current_setting('tcp_keepalives_idle'), current_setting('tcp_keepalives_interval'), current_setting('tcp_keepalives_count'), " +
            "current_setting('idle_in_transaction_session_timeout'), current_setting('client_connection_check_interval')");

        // Loopback TCP: the server reports what the session asked for (on a Unix socket it would say 0).
        Assert.Equal(("30", "10", "3", "2min", "5s"), settings);
        Assert.Equal(20, new Npgsql.NpgsqlConnectionStringBuilder(app.App.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().ConnectionString).MaxPoolSize);
    }

    [Fact]
    public async Task A_burst_of_50_snapshots_never_runs_more_loads_at_once_than_the_cap()
    {
        const int cap = 2;
        const int snapshots = 50;
        // The dispatcher may run 24 invocations at once on this "instance"; the database-side cap must still hold.
        await using var app = await InProcessApp.StartWithDispatcherAsync(infra,
            $"--Load:MaxConcurrentLoads={cap}", "--Load:DeferSeconds=0.2",
            "--AzureFunctionsJobHost:extensions:queues:batchSize=16", "--AzureFunctionsJobHost:extensions:queues:newBatchThreshold=8",
            "--AzureFunctionsJobHost:extensions:queues:maxPollingInterval=00:00:00.200");
        var http = app.Http;
        var sites = new List<(string Site, string Token)>();
        // One site per snapshot: snapshots of one site may legitimately be skipped when a newer one lands first.
        for (var i = 0; i < snapshots; i++)
        {
            var site = await infra.NewSiteAsync();
            sites.Add((site, (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token));
        }

        var ids = new List<Guid>();
        for (var i = 0; i < snapshots; i++)
        {
            var (site, token) = sites[i % sites.Count];
            var body = Csv.Gzip(Csv.Rows(Enumerable.Range(0, 3000).Select(r => $"{r},Pessoa {r} {i},1950-01-02,t,{r}").ToArray()));
            var extractedAt = DateTimeOffset.UtcNow.AddMinutes(-60 + i);
            var id = SnapshotIds.New(extractedAt);
            using var request = Uploads.Put("pacientes_teste", id, body, token, extractedAt);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add(id);
        }

        await using var connection = await infra.Database.OpenConnectionAsync();
        var rows = await Eventually.UntilAsync(
            async () => (await connection.QueryAsync<(string Status, DateTime Start, DateTime End, int Attempts)>(
                "SELECT status, coalesce(load_started_at, now()), coalesce(load_finished_at, now()), attempts FROM ingest.snapshots WHERE snapshot_id = ANY(@ids)",
                new { ids = ids.ToArray() })).ToList(),
            found => found.Count >= snapshots && found.All(r => SnapshotStatuses.IsFinal(r.Status)),
            TimeSpan.FromMinutes(3),
            $"the burst of {snapshots} snapshots to drain (all final)",
            TimeSpan.FromMilliseconds(250),
            found => string.Join(",", found.GroupBy(r => r.Status).Select(g => $"{g.Key}={g.Count()}")));

        await app.StopAsync();
        Assert.All(rows, r => Assert.Equal(SnapshotStatuses.Loaded, r.Status));
        Assert.All(rows, r => Assert.Equal(1, r.Attempts)); // deferrals never counted as failed attempts
        var poison = infra.Queues.GetQueueClient("snapshot-loads-poison");
        Assert.False(await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length > 0);

        // Sweep the load intervals: the most loads ever running at the same time.
        var events = rows.SelectMany(r => new[] { (r.Start, +1), (r.End, -1) }).OrderBy(e => e.Item1).ThenBy(e => e.Item2);
        int running = 0, peak = 0;
        foreach (var (_, delta) in events)
        {
            running += delta;
            peak = Math.Max(peak, running);
        }

        Assert.InRange(peak, 1, cap);
    }
}
