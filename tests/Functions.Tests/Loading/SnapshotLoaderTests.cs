using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using LocalInfra;

namespace PecLists.Functions.Tests.Loading;

[Collection(InfraCollection.Name)]
public sealed class SnapshotLoaderTests(InfraFixture infra)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    private readonly SnapshotStore _store = new(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = "loader-tests" }));

    private SnapshotLoader Loader() => new(
        infra.Database, _store, new ListCatalog(infra.Database, TimeProvider.System),
        Options.Create(new LoadOptions { LockTimeoutSeconds = 1 }), NullLogger<SnapshotLoader>.Instance);

    private async Task<LoadMessage> StageAsync(string site, DateTimeOffset extractedAt, params string[] rows)
    {
        var id = Guid.CreateVersion7(extractedAt);
        var list = InfraFixture.TestList.Name;
        var blobName = SnapshotStore.BlobName(site, list, extractedAt, id);
        var body = Csv.Gzip(Csv.Rows(rows));
        await infra.Blobs.GetBlobContainerClient("loader-tests").CreateIfNotExistsAsync();
        await _store.TryCreateAsync(blobName, new MemoryStream(body), new Dictionary<string, string> { ["digest"] = Csv.Digest(body) }, CancellationToken.None);
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, status)
            VALUES (@id, @site, @list, @blobName, @digest, @bytes, @extractedAt, 'queued')
            """,
            new { id, site, list, blobName, digest = Csv.Digest(body), bytes = (long)body.Length, extractedAt });
        return new LoadMessage(id, site, list, blobName, extractedAt);
    }

    private async Task<List<(long Id, string? Nome, DateTime? Nascimento, bool? Ativo, decimal? Peso, Guid SnapshotId, uint Xmin)>> RowsAsync(string site)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return (await connection.QueryAsync<(long, string?, DateTime?, bool?, decimal?, Guid, uint)>(
            "SELECT id, nome, nascimento, ativo, peso, snapshot_id, xmin::text::bigint FROM lists.pacientes_teste WHERE site_id = @site ORDER BY id",
            new { site })).ToList();
    }

    private async Task<(string Status, string? Code, string? Detail)> StatusAsync(Guid id)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string, string?, string?)>(
            "SELECT status, error_code, error_detail FROM ingest.snapshots WHERE snapshot_id = @id", new { id });
    }

    [Fact]
    public async Task First_load_inserts_every_row_with_exact_values_and_lineage()
    {
        var site = await infra.NewSiteAsync();
        var message = await StageAsync(site, Monday,
            "1,João da Conceição,1950-01-02,t,70.5",
            "2,\"D'Ávila, \"\"Zé\"\"\",,f,",
            "3,\"\",2000-02-29,,0");

        var result = await Loader().LoadAsync(message, CancellationToken.None);

        Assert.Equal(SnapshotStatuses.Loaded, result.Status);
        Assert.Equal(new SnapshotRowCounts(3, 0, 0, 0), result.Rows);
        Assert.Equal("first-load", result.Path);
        var rows = await RowsAsync(site);
        Assert.Equal([1L, 2, 3], rows.Select(r => r.Id));
        Assert.Equal("João da Conceição", rows[0].Nome);
        Assert.Equal(new DateTime(1950, 1, 2), rows[0].Nascimento);
        Assert.Equal(70.5m, rows[0].Peso);
        Assert.Equal("D'Ávila, \"Zé\"", rows[1].Nome);
        Assert.Null(rows[1].Nascimento);
        Assert.Null(rows[1].Peso);
        Assert.Equal(string.Empty, rows[2].Nome); // quoted "" is an empty string, not NULL
        Assert.Null(rows[2].Ativo);
        Assert.All(rows, r => Assert.Equal(message.SnapshotId, r.SnapshotId));
        Assert.Equal("loaded", (await StatusAsync(message.SnapshotId)).Status);
    }

    [Fact]
    public async Task Unchanged_reload_writes_no_row()
    {
        var site = await infra.NewSiteAsync();
        string[] rows = ["1,Ana,1950-01-02,t,70.5", "2,Bia,1960-03-04,f,60"];
        var first = await StageAsync(site, Monday, rows);
        await Loader().LoadAsync(first, CancellationToken.None);
        var before = await RowsAsync(site);

        var result = await Loader().LoadAsync(await StageAsync(site, Monday.AddDays(1), rows), CancellationToken.None);

        Assert.Equal(new SnapshotRowCounts(0, 0, 0, 2), result.Rows);
        Assert.Equal("identical", result.Path); // same bytes as the loaded snapshot: no table work at all
        Assert.Equal(before, await RowsAsync(site)); // same xmin: no row version was written; lineage stays with the first
    }

    [Fact]
    public async Task Same_rows_in_another_order_are_diffed_and_write_nothing()
    {
        var site = await infra.NewSiteAsync();
        await Loader().LoadAsync(await StageAsync(site, Monday, "1,Ana,1950-01-02,t,70.5", "2,\"Bia, a\",,f,", "3,\"\",1970-05-06,,80"), CancellationToken.None);
        var before = await RowsAsync(site);

        var result = await Loader().LoadAsync(await StageAsync(site, Monday.AddDays(1), "3,\"\",1970-05-06,,80", "2,\"Bia, a\",,f,", "1,Ana,1950-01-02,t,70.5"), CancellationToken.None);

        Assert.Equal(new SnapshotRowCounts(0, 0, 0, 3), result.Rows);
        Assert.Equal("merge", result.Path);
        Assert.Equal(before, await RowsAsync(site));
    }

    [Fact]
    public async Task A_null_that_becomes_an_empty_string_is_a_change()
    {
        var site = await infra.NewSiteAsync();
        await Loader().LoadAsync(await StageAsync(site, Monday, "1,,1950-01-02,t,70.5"), CancellationToken.None);

        var result = await Loader().LoadAsync(await StageAsync(site, Monday.AddDays(1), "1,\"\",1950-01-02,t,70.5"), CancellationToken.None);

        Assert.Equal(new SnapshotRowCounts(0, 1, 0, 0), result.Rows);
        Assert.Equal(string.Empty, Assert.Single(await RowsAsync(site)).Nome);
    }

    [Fact]
    public async Task Churned_reload_writes_only_new_changed_and_vanished_rows()
    {
        var site = await infra.NewSiteAsync();
        var first = await StageAsync(site, Monday, "1,Ana,1950-01-02,t,70.5", "2,Bia,1960-03-04,f,60", "3,Cid,1970-05-06,t,80");
        await Loader().LoadAsync(first, CancellationToken.None);
        var before = await RowsAsync(site);

        var second = await StageAsync(site, Monday.AddDays(1), "1,Ana,1950-01-02,t,71", "2,Bia,1960-03-04,f,60", "4,Davi,1980-07-08,,");
        var result = await Loader().LoadAsync(second, CancellationToken.None);

        Assert.Equal(new SnapshotRowCounts(Inserted: 1, Updated: 1, Deleted: 1, Unchanged: 1), result.Rows);
        var after = await RowsAsync(site);
        Assert.Equal([1L, 2, 4], after.Select(r => r.Id));
        Assert.Equal(71m, after[0].Peso);
        Assert.Equal(second.SnapshotId, after[0].SnapshotId);
        Assert.Equal(before[1], after[1]);
        Assert.Equal(second.SnapshotId, after[2].SnapshotId);
    }

    [Fact]
    public async Task A_merge_creates_no_table_and_leaves_nothing_in_the_staging_table()
    {
        // Creating a temp table per load wrote about 60 kB of catalog WAL per snapshot (issue 25, ADR 0025): an event
        // trigger sees every CREATE, temp tables included, while the churned reload runs.
        var site = await infra.NewSiteAsync();
        var first = await StageAsync(site, Monday, "1,Ana,1950-01-02,t,70.5", "2,Bia,1960-03-04,f,60", "3,Cid,1970-05-06,t,80");
        await Loader().LoadAsync(first, CancellationToken.None);
        var second = await StageAsync(site, Monday.AddDays(1), "1,Ana,1950-01-02,t,71", "2,Bia,1960-03-04,f,60", "4,Davi,1980-07-08,,");
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            CREATE TABLE public.ddl_seen_by_test (tag text, identity text);
            CREATE FUNCTION public.ddl_seen_by_test() RETURNS event_trigger LANGUAGE plpgsql AS
            $$ BEGIN INSERT INTO public.ddl_seen_by_test SELECT command_tag, object_identity FROM pg_event_trigger_ddl_commands(); END $$;
            CREATE EVENT TRIGGER ddl_seen_by_test ON ddl_command_end EXECUTE FUNCTION public.ddl_seen_by_test();
            """);
        LoadResult result;
        List<string> created;
        try
        {
            result = await Loader().LoadAsync(second, CancellationToken.None);
        }
        finally
        {
            await connection.ExecuteAsync("DROP EVENT TRIGGER ddl_seen_by_test; DROP FUNCTION public.ddl_seen_by_test()");
            created = (await connection.QueryAsync<string>("SELECT tag || ' ' || identity FROM public.ddl_seen_by_test")).ToList();
            await connection.ExecuteAsync("DROP TABLE public.ddl_seen_by_test");
        }

        Assert.Equal(("merge", new SnapshotRowCounts(Inserted: 1, Updated: 1, Deleted: 1, Unchanged: 1)), (result.Path, result.Rows));
        Assert.Empty(created);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            $"SELECT count(*) FROM {InfraFixture.TestList.StagingTableName} WHERE snapshot_id = ANY(@ids)", new { ids = new[] { first.SnapshotId, second.SnapshotId } }));
    }

    [Fact]
    public async Task A_redelivered_message_changes_nothing()
    {
        var site = await infra.NewSiteAsync();
        var message = await StageAsync(site, Monday, "1,Ana,1950-01-02,t,70.5");
        await Loader().LoadAsync(message, CancellationToken.None);
        var before = await RowsAsync(site);

        var again = await Loader().LoadAsync(message, CancellationToken.None);

        Assert.True(again.AlreadyFinal);
        Assert.Equal(SnapshotStatuses.Loaded, again.Status);
        Assert.Equal(before, await RowsAsync(site));
    }

    [Fact]
    public async Task An_older_snapshot_arriving_late_is_skipped()
    {
        var site = await infra.NewSiteAsync();
        var older = await StageAsync(site, Monday, "1,Velho,1950-01-02,t,1");
        var newer = await StageAsync(site, Monday.AddHours(1), "1,Novo,1950-01-02,t,2");
        await Loader().LoadAsync(newer, CancellationToken.None);

        var result = await Loader().LoadAsync(older, CancellationToken.None);

        Assert.Equal(SnapshotStatuses.Skipped, result.Status);
        Assert.Equal("Novo", Assert.Single(await RowsAsync(site)).Nome);
        var status = await StatusAsync(older.SnapshotId);
        Assert.Equal(("skipped", "older-snapshot"), (status.Status, status.Code));
    }

    [Fact]
    public async Task Concurrent_loads_of_one_site_and_list_end_with_the_newest_snapshot()
    {
        var site = await infra.NewSiteAsync();
        var older = await StageAsync(site, Monday, "1,Velho,1950-01-02,t,1", "2,Velho,1950-01-02,t,1");
        var newer = await StageAsync(site, Monday.AddHours(1), "1,Novo,1950-01-02,t,2");

        // A delivery that finds the pair busy is deferred; like the queue, try it again until it settles.
        Task<LoadResult> Settled(LoadMessage message) => Eventually.UntilAsync(
            () => Loader().LoadAsync(message, CancellationToken.None), result => result.Status != LoadResult.Deferred, TimeSpan.FromSeconds(60),
            $"the load of {message.SnapshotId} to settle (not deferred)", TimeSpan.FromMilliseconds(25), result => result.Status);

        var results = await Task.WhenAll(Settled(older), Settled(newer));

        Assert.Equal("Novo", Assert.Single(await RowsAsync(site)).Nome);
        Assert.Equal(SnapshotStatuses.Loaded, results[1].Status);
        Assert.Contains(results[0].Status, new[] { SnapshotStatuses.Loaded, SnapshotStatuses.Skipped });
    }

    [Fact]
    public async Task A_load_past_its_deadline_stops_and_says_so_in_the_snapshots_status()
    {
        var site = await infra.NewSiteAsync();
        var message = await StageAsync(site, Monday, "1,Ana,1950-01-02,t,1");
        await using var maintenance = await infra.Database.OpenConnectionAsync();
        await using var transaction = await maintenance.BeginTransactionAsync();
        await maintenance.ExecuteAsync("LOCK TABLE lists.pacientes_teste IN ACCESS EXCLUSIVE MODE", transaction: transaction);
        var loader = new SnapshotLoader(
            infra.Database, _store, new ListCatalog(infra.Database, TimeProvider.System),
            Options.Create(new LoadOptions { LockTimeoutSeconds = 60, MaxLoadSeconds = 1 }), NullLogger<SnapshotLoader>.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loader.LoadAsync(message, CancellationToken.None));
        await transaction.RollbackAsync();

        var (status, code, detail) = await StatusAsync(message.SnapshotId);
        Assert.Equal((SnapshotStatuses.Failed, "load-timeout"), (status, code));
        Assert.Contains("Load:MaxLoadSeconds (1 s)", detail, StringComparison.Ordinal);
        Assert.Equal(SnapshotStatuses.Loaded, (await Loader().LoadAsync(message, CancellationToken.None)).Status); // the retry loads it
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_rejects_the_snapshot_without_retry_or_personal_data()
    {
        var site = await infra.NewSiteAsync();
        var message = await StageAsync(site, Monday, "1,Ana,1950-01-02,t,70.5", "Maria Sigilosa,Ana,1950-01-02,t,70.5");

        var result = await Loader().LoadAsync(message, CancellationToken.None);

        Assert.Equal(SnapshotStatuses.Rejected, result.Status);
        Assert.Equal("bad-data", result.ErrorCode);
        var status = await StatusAsync(message.SnapshotId);
        Assert.Equal("rejected", status.Status);
        Assert.Contains("CSV line 3, column id", status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Sigilosa", status.Detail, StringComparison.Ordinal);
        Assert.Empty(await RowsAsync(site));
    }

    [Fact]
    public async Task Duplicate_keys_in_a_snapshot_reject_it_and_leave_the_previous_state()
    {
        var site = await infra.NewSiteAsync();
        await Loader().LoadAsync(await StageAsync(site, Monday, "1,Ana,1950-01-02,t,70.5"), CancellationToken.None);
        var before = await RowsAsync(site);

        var result = await Loader().LoadAsync(await StageAsync(site, Monday.AddDays(1), "1,Ana,1950-01-02,t,1", "1,Ana,1950-01-02,t,2"), CancellationToken.None);

        Assert.Equal(("rejected", "duplicate-key"), (result.Status, result.ErrorCode));
        Assert.Equal(before, await RowsAsync(site));
    }

    [Fact]
    public async Task Duplicate_keys_in_a_first_load_reject_it_and_write_nothing()
    {
        var site = await infra.NewSiteAsync();

        var result = await Loader().LoadAsync(await StageAsync(site, Monday, "7,Ana,1950-01-02,t,1", "7,Outra,1950-01-02,t,2"), CancellationToken.None);

        Assert.Equal(("rejected", "duplicate-key"), (result.Status, result.ErrorCode));
        Assert.Empty(await RowsAsync(site));
    }

    [Fact]
    public async Task A_row_without_its_key_is_rejected()
    {
        var site = await infra.NewSiteAsync();
        await Loader().LoadAsync(await StageAsync(site, Monday, "1,Ana,1950-01-02,t,1"), CancellationToken.None);

        var result = await Loader().LoadAsync(await StageAsync(site, Monday.AddDays(1), ",Sem chave,1950-01-02,t,1"), CancellationToken.None);

        Assert.Equal(("rejected", "null-key"), (result.Status, result.ErrorCode));
        Assert.Equal("Ana", Assert.Single(await RowsAsync(site)).Nome);
    }

    [Fact]
    public async Task A_locked_table_fails_transiently_and_a_retry_loads()
    {
        var site = await infra.NewSiteAsync();
        var message = await StageAsync(site, Monday, "1,Ana,1950-01-02,t,70.5");
        await using (var maintenance = await infra.Database.OpenConnectionAsync())
        await using (var transaction = await maintenance.BeginTransactionAsync())
        {
            await maintenance.ExecuteAsync("LOCK TABLE lists.pacientes_teste IN ACCESS EXCLUSIVE MODE", transaction: transaction);

            var error = await Assert.ThrowsAsync<PostgresException>(() => Loader().LoadAsync(message, CancellationToken.None));

            Assert.Equal(PostgresErrorCodes.LockNotAvailable, error.SqlState);
            Assert.Equal(("failed", "transient"), ((await StatusAsync(message.SnapshotId)).Status, (await StatusAsync(message.SnapshotId)).Code));
        }

        var retry = await Loader().LoadAsync(message, CancellationToken.None);

        Assert.Equal(SnapshotStatuses.Loaded, retry.Status);
        Assert.Single(await RowsAsync(site));
    }

    /// <summary>
    /// Issue 23 item 9 against a real grant: the loader's role may read the list's table but not write it (a grant
    /// forgotten after a migration). PostgreSQL answers 42501; the load is failed as transient, its cause named for the
    /// alert, the site's rows untouched, and once the grant is given the same message loads.
    /// </summary>
    [Fact]
    public async Task A_missing_grant_fails_the_load_as_transient_naming_the_grant_and_after_the_grant_a_retry_loads()
    {
        var site = await infra.NewSiteAsync();
        var message = await StageAsync(site, Monday, "1,Ana,1950-01-02,t,70.5");
        var role = $"loader_{Guid.NewGuid():N}"[..24];
        await using var admin = await infra.Database.OpenConnectionAsync();
        await admin.ExecuteAsync(
            $"""
            CREATE ROLE {role} NOLOGIN;
            GRANT USAGE ON SCHEMA ingest, lists, staging TO {role};
            GRANT ALL ON ALL TABLES IN SCHEMA ingest, lists, staging TO {role};
            GRANT ALL ON ALL SEQUENCES IN SCHEMA ingest, lists, staging TO {role};
            REVOKE INSERT, UPDATE, DELETE ON {InfraFixture.TestList.TableName} FROM {role};
            """);
        try
        {
            // The app's sessions, but as that role (a startup option, like the app's own session settings).
            var builder = new NpgsqlConnectionStringBuilder(infra.CentralConnection) { Options = $"-c role={role}", Pooling = false };
            await using var asRole = NpgsqlDataSource.Create(builder.ConnectionString);
            var loader = new SnapshotLoader(
                asRole, _store, new ListCatalog(asRole, TimeProvider.System),
                Options.Create(new LoadOptions { LockTimeoutSeconds = 1 }), NullLogger<SnapshotLoader>.Instance);

            var error = await Assert.ThrowsAsync<PostgresException>(() => loader.LoadAsync(message, CancellationToken.None));

            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            var (status, code, detail) = await StatusAsync(message.SnapshotId);
            Assert.Equal((SnapshotStatuses.Failed, "transient"), (status, code));
            Assert.Contains("a grant to the app's role is missing", detail, StringComparison.Ordinal);
            Assert.Equal("central-database-42501", LoadErrors.TransientCause(error));
            Assert.Empty(await RowsAsync(site));

            await admin.ExecuteAsync($"GRANT INSERT, UPDATE, DELETE ON {InfraFixture.TestList.TableName} TO {role}");

            Assert.Equal(SnapshotStatuses.Loaded, (await loader.LoadAsync(message, CancellationToken.None)).Status);
            Assert.Equal("Ana", Assert.Single(await RowsAsync(site)).Nome);
        }
        finally
        {
            await admin.ExecuteAsync($"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }
}
