using Dapper;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using LocalInfra;

namespace PecLists.Functions.Tests.Loading;

/// <summary>
/// A load cancelled after PostgreSQL took its slot's (or its pair's) advisory lock but before the answer reached the
/// loader must not leave the lock held (issue 23, item 10). The locks are transaction-level since ADR 0020, so the load's
/// rollback frees them; these tests keep proving it at the worst moment. The window is made deterministic without
/// touching the app: the loader's sessions get a search_path whose first schema holds a <c>pg_try_advisory_xact_lock</c>
/// that takes the real lock and then sleeps, so the test cancels exactly while the lock is held and the answer not yet sent.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class AdvisoryLockLeakTests(InfraFixture infra)
{
    private readonly string _applicationName = "lock-leak-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_load_cancelled_after_its_slot_was_taken_but_before_the_answer_came_back_holds_no_slot()
    {
        await using var hooked = await HookedDataSourceAsync("advisory_hook_slot", "k1 int, k2 int", "k1, k2");
        var store = new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions()));
        var loader = new SnapshotLoader(hooked, store, new ListCatalog(hooked, TimeProvider.System),
            Options.Create(new LoadOptions { MaxConcurrentLoads = 2 }), NullLogger<SnapshotLoader>.Instance);
        using var stopping = new CancellationTokenSource();

        var load = loader.LoadAsync(new LoadMessage(Guid.CreateVersion7(), "0000000", "pacientes_teste", "none", DateTimeOffset.UtcNow), stopping.Token);
        await Eventually.UntilAsync(
            () => HeldAsync("l.classid = @ns::oid AND l.objsubid = 2", new { ns = LoadSlots.Namespace }), held => held > 0, TimeSpan.FromSeconds(20),
            "the hooked lock query to take its load slot", TimeSpan.FromMilliseconds(20), held => $"{held} slot lock(s) held");
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);
        // The loader's connection went back to its pool, open: a leaked lock would still be there.
        Assert.Equal(0, await HeldAsync("l.classid = @ns::oid AND l.objsubid = 2", new { ns = LoadSlots.Namespace }));
        Assert.Equal(1, await OpenHookedSessionsAsync());
    }

    [Fact]
    public async Task A_load_cancelled_after_its_pair_lock_was_taken_but_before_the_answer_came_back_holds_no_lock()
    {
        await using var hooked = await HookedDataSourceAsync("advisory_hook_pair", "k bigint", "k");
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

        var key = PairLocks.Key(site, "pacientes_teste");
        var loader = new SnapshotLoader(hooked, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions())), new ListCatalog(hooked, TimeProvider.System),
            Options.Create(new LoadOptions { MaxConcurrentLoads = 2 }), NullLogger<SnapshotLoader>.Instance);
        using var stopping = new CancellationTokenSource();

        var load = loader.LoadAsync(new LoadMessage(id, site, "pacientes_teste", "none", DateTimeOffset.UtcNow), stopping.Token);
        await Eventually.UntilAsync(
            () => HeldAsync("l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = @key", new { key }), held => held > 0, TimeSpan.FromSeconds(20),
            "the hooked lock query to take its pair lock", TimeSpan.FromMilliseconds(20), held => $"{held} pair lock(s) held");
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);
        Assert.Equal(0, await HeldAsync("l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = @key", new { key }));
        Assert.Equal(0, await HeldAsync("l.classid = @ns::oid AND l.objsubid = 2", new { ns = LoadSlots.Namespace }));
        Assert.Equal(1, await OpenHookedSessionsAsync());
        await using var check = await infra.Database.OpenConnectionAsync();
        Assert.Equal(("queued", 0), await check.QuerySingleAsync<(string, int)>("SELECT status, attempts FROM ingest.snapshots WHERE snapshot_id = @id", new { id }));
    }

    /// <summary>
    /// A data source like the app's whose sessions resolve one form of pg_try_advisory_xact_lock (the slots' two-int
    /// form, or the pairs' bigint one) to a hook in <paramref name="schema"/> first.
    /// </summary>
    private async Task<NpgsqlDataSource> HookedDataSourceAsync(string schema, string parameters, string arguments)
    {
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                $$"""
                CREATE SCHEMA IF NOT EXISTS {{schema}};
                CREATE OR REPLACE FUNCTION {{schema}}.pg_try_advisory_xact_lock({{parameters}}) RETURNS boolean LANGUAGE plpgsql AS $$
                BEGIN
                  IF pg_catalog.pg_try_advisory_xact_lock({{arguments}}) THEN PERFORM pg_catalog.pg_sleep(60); RETURN true; END IF;
                  RETURN false;
                END $$;
                """);
        }

        var builder = new NpgsqlConnectionStringBuilder(infra.CentralConnection)
        {
            SearchPath = $"{schema},pg_catalog,public",
            ApplicationName = _applicationName,
        };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Advisory locks matching <paramref name="filter"/> held by any session.</summary>
    private async Task<long> HeldAsync(string filter, object args)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND {filter}", args);
    }

    /// <summary>The hooked data source's sessions still connected (the pool keeps a returned connection open).</summary>
    private async Task<long> OpenHookedSessionsAsync()
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name", new { name = _applicationName });
    }
}
