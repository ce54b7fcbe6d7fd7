using System.Net;
using System.Net.Http.Json;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Operations;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Tests.Loading;

/// <summary>
/// Every delivery kind through the real ingest (HTTP, with X-Delivery and X-Cursor) and the real loader on PostgreSQL:
/// what each writes (counts, the table's content, and by xmin what it left untouched), and the acknowledged cursor
/// (docs/adr/0022-list-definitions-beyond-one-query.md).
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class DeliveryLoadTests(InfraFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Day1 = new(2026, 10, 1, 3, 0, 0, TimeSpan.Zero);
    private const string EventsHeader = "id,tipo,valor\n";
    private const string RecordsHeader = "id,nome,atualizado,removido\n";
    private readonly string _queue = "q" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = "c" + Guid.NewGuid().ToString("N")[..12];
    private InProcessApp _app = null!;
    private string _site = null!;
    private string _token = null!;
    private ListCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        _app = await InProcessApp.StartAsync(infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}", "--Ingest:SnapshotsPerMinutePerSite=100000");
        _site = await infra.NewSiteAsync();
        _token = (await SiteTokens.IssueAsync(infra.Database, _site, CancellationToken.None)).Token;
        _catalog = new ListCatalog(infra.Database, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _catalog.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>An append list: events by id, the first delivery of an id is the one kept.</summary>
    private async Task<string> AppendListAsync() =>
        await PublishAsync(new ListDefinition(
            $"eventos_{Guid.NewGuid().ToString("N")[..8]}", 1, "test", "SELECT 1",
            [new("id", "bigint"), new("tipo", "text"), new("valor", "numeric")], ["id"], Mode: LoadModes.Append));

    /// <summary>An incremental list: a cursor column and a soft-delete column.</summary>
    private async Task<string> IncrementalListAsync(string? softDelete = "removido") =>
        await PublishAsync(new ListDefinition(
            $"cadastros_{Guid.NewGuid().ToString("N")[..8]}", 1, "test", "SELECT 1",
            [new("id", "bigint"), new("nome", "text"), new("atualizado", "timestamptz"), new("removido", "timestamptz")], ["id"],
            Mode: LoadModes.Incremental, Incremental: new IncrementalDto("atualizado", SoftDeleteColumn: softDelete)));

    private async Task<string> PublishAsync(ListDefinition list)
    {
        await ListPublisher.PublishAsync(infra.Database, list, activate: true, CancellationToken.None);
        _app.App.Services.GetRequiredService<ListCatalog>().Invalidate();
        return list.Name;
    }

    private async Task<Guid> SendAsync(string list, string csv, DateTimeOffset extractedAt, string? delivery = null, string? cursor = null, string? token = null)
    {
        var id = SnapshotIds.New(extractedAt);
        var body = Csv.Gzip(csv);
        using var request = SnapshotUploadRequest.Create(token ?? _token, list, id, extractedAt, new ByteArrayContent(body), Csv.Digest(body), delivery, cursor);
        using var response = await _app.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>Runs the loader for one snapshot; the message is deliberately wrong but for the id (the row decides).</summary>
    private Task<LoadResult> LoadAsync(Guid id, LoadOptions? options = null) =>
        new SnapshotLoader(
                infra.Database, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = _container })), _catalog,
                Options.Create(options ?? new LoadOptions { LockTimeoutSeconds = 5 }), NullLogger<SnapshotLoader>.Instance)
            .LoadAsync(new LoadMessage(id, "0000000", "not_this_list", "not/this/blob", Day1), CancellationToken.None);

    private async Task<LoadResult> SendAndLoadAsync(string list, string csv, DateTimeOffset extractedAt, string? delivery = null, string? cursor = null) =>
        await LoadAsync(await SendAsync(list, csv, extractedAt, delivery, cursor));

    /// <summary>The site's rows as "col|col|…" sorted, each with the xmin that tells whether a load rewrote it.</summary>
    private async Task<List<(string Row, uint Xmin)>> RowsAsync(string list, params string[] columns)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, uint)>(
            $"SELECT concat_ws('|', {string.Join(", ", columns.Select(c => $"coalesce({c}::text, 'NULL')"))}), xmin::text::bigint FROM lists.{list} WHERE site_id = @site ORDER BY id",
            new { site = _site })).ToList();
    }

    private Task<List<(string Row, uint Xmin)>> EventsAsync(string list) => RowsAsync(list, "id", "tipo", "valor");

    private Task<List<(string Row, uint Xmin)>> RecordsAsync(string list) => RowsAsync(list, "id", "nome");

    private async Task<(string Kind, string? Cursor, string Status)> LedgerAsync(Guid id)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string, string?, string)>(
            "SELECT delivery_kind, delivery_cursor, status FROM ingest.snapshots WHERE snapshot_id = @id", new { id });
    }

    private async Task<ListCursorDto> CursorAsync(string list, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.ListCursorPath(list));
        request.Headers.Authorization = new("Bearer", token ?? _token);
        using var response = await _app.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ListCursorDto>())!;
    }

    private static string Events(params string[] rows) => EventsHeader + string.Concat(rows.Select(r => r + "\n"));

    private static string Records(params string[] rows) => RecordsHeader + string.Concat(rows.Select(r => r + "\n"));

    [Fact]
    public async Task Append_inserts_only_keys_the_site_lacks_and_a_redelivery_or_an_overlapping_delivery_adds_nothing_twice()
    {
        var list = await AppendListAsync();
        var first = Events("1,consulta,10", "2,visita,20", "3,vacina,30");
        var loaded = await SendAndLoadAsync(list, first, Day1, DeliveryKinds.Append);
        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(3, 0, 0, 0)), (loaded.Status, loaded.Rows));
        var before = await EventsAsync(list);

        // The next poll overlaps the last two rows (one of them read again with another value) and brings two new ones.
        var overlapping = await SendAndLoadAsync(list, Events("2,visita,20", "3,vacina,99", "4,consulta,40", "5,visita,50"), Day1.AddMinutes(1), DeliveryKinds.Append);

        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(2, 0, 0, 3)), (overlapping.Status, overlapping.Rows));
        var after = await EventsAsync(list);
        Assert.Equal(["1|consulta|10", "2|visita|20", "3|vacina|30", "4|consulta|40", "5|visita|50"], after.Select(r => r.Row));
        Assert.Equal(before, after.Take(3)); // same xmin: the rows already there were not written again

        // The first delivery's bytes again, under a new id (a re-sent spool file): nothing is added.
        var again = await SendAndLoadAsync(list, first, Day1.AddMinutes(2), DeliveryKinds.Append);

        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(0, 0, 0, 5)), (again.Status, again.Rows));
        Assert.Equal(after, await EventsAsync(list));
    }

    [Fact]
    public async Task Append_keeps_the_first_row_of_a_key_delivered_twice_in_one_delivery()
    {
        var list = await AppendListAsync();

        var result = await SendAndLoadAsync(list, Events("7,primeiro,1", "8,outro,2", "7,segundo,3"), Day1, DeliveryKinds.Append);

        Assert.Equal(new SnapshotRowCounts(2, 0, 0, 0), result.Rows);
        Assert.Equal(["7|primeiro|1", "8|outro|2"], (await EventsAsync(list)).Select(r => r.Row));
    }

    [Fact]
    public async Task Append_deliveries_arriving_out_of_order_are_all_applied()
    {
        var list = await AppendListAsync();
        var older = await SendAsync(list, Events("1,a,1", "2,b,2"), Day1, DeliveryKinds.Append);
        var newer = await SendAsync(list, Events("3,c,3"), Day1.AddMinutes(5), DeliveryKinds.Append);
        Assert.Equal(SnapshotStatuses.Loaded, (await LoadAsync(newer)).Status);

        var late = await LoadAsync(older);

        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(2, 0, 0, 1)), (late.Status, late.Rows));
        Assert.Equal(["1|a|1", "2|b|2", "3|c|3"], (await EventsAsync(list)).Select(r => r.Row));
    }

    [Fact]
    public async Task Changes_upsert_only_rows_that_differ_and_delete_soft_deleted_rows()
    {
        var list = await IncrementalListAsync();
        await SendAndLoadAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,", "2,Bia,2026-10-01 01:00:00+00,", "3,Cid,2026-10-01 01:00:00+00,"), Day1, DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00");
        var before = await RecordsAsync(list);

        // Ana changed, Bia read again unchanged (lookback), Cid soft-deleted, Davi new, Eva created and soft-deleted between runs.
        var changes = await SendAndLoadAsync(list, Records(
            "1,Ana Souza,2026-10-01 02:00:00+00,",
            "2,Bia,2026-10-01 01:00:00+00,",
            "3,Cid,2026-10-01 02:10:00+00,2026-10-01 02:10:00+00",
            "4,Davi,2026-10-01 02:20:00+00,",
            "5,Eva,2026-10-01 02:30:00+00,2026-10-01 02:30:00+00"), Day1.AddHours(1), DeliveryKinds.Changes, "2026-10-01T02:30:00Z");

        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(Inserted: 1, Updated: 1, Deleted: 1, Unchanged: 1)), (changes.Status, changes.Rows));
        var after = await RecordsAsync(list);
        Assert.Equal(["1|Ana Souza", "2|Bia", "4|Davi"], after.Select(r => r.Row));
        Assert.Equal(before[1], after[1]); // Bia's row was not rewritten
        await using var connection = await infra.Database.OpenConnectionAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM lists.{list} WHERE removido IS NOT NULL"));
    }

    [Fact]
    public async Task A_whole_snapshot_with_the_same_bytes_as_the_last_changes_still_removes_the_rows_missing_from_it()
    {
        var list = await IncrementalListAsync();
        await SendAndLoadAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,", "2,Bia,2026-10-01 01:00:00+00,", "3,Cid,2026-10-01 01:00:00+00,"), Day1);
        var onlyAna = Records("1,Ana Souza,2026-10-01 02:00:00+00,");
        var changes = await SendAndLoadAsync(list, onlyAna, Day1.AddHours(1), DeliveryKinds.Changes, "2026-10-01T02:00:00Z");
        Assert.Equal(new SnapshotRowCounts(0, 1, 0, 2), changes.Rows);

        // Bia and Cid were deleted at the source; the next whole snapshot is, byte for byte, the last changes delivery.
        var whole = await SendAndLoadAsync(list, onlyAna, Day1.AddHours(2));

        Assert.Equal((SnapshotStatuses.Loaded, "merge", new SnapshotRowCounts(0, 0, 2, 1)), (whole.Status, whole.Path, whole.Rows));
        Assert.Equal(["1|Ana Souza"], (await RecordsAsync(list)).Select(r => r.Row));
    }

    [Fact]
    public async Task Changes_whose_soft_deletes_would_remove_most_of_a_sites_rows_are_held()
    {
        var list = await IncrementalListAsync();
        await SendAndLoadAsync(list, Records([.. Enumerable.Range(1, 30).Select(i => $"{i},Pessoa {i},2026-10-01 01:00:00+00,")]), Day1, DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00");
        var before = await RecordsAsync(list);

        var held = await SendAndLoadAsync(
            list, Records([.. Enumerable.Range(1, 20).Select(i => $"{i},Pessoa {i},2026-10-01 02:00:00+00,2026-10-01 02:00:00+00")]), Day1.AddHours(1), DeliveryKinds.Changes, "2026-10-01T02:00:00Z");

        Assert.Equal((SnapshotStatuses.Held, SnapshotErrorCodes.MassDeletion, new SnapshotRowCounts(0, 0, 20, 10)), (held.Status, held.ErrorCode, held.Rows));
        Assert.Equal(before, await RecordsAsync(list));
        Assert.Equal("2026-10-01 01:00:00+00", (await CursorAsync(list)).Cursor); // held: its cursor is not acknowledged
    }

    [Fact]
    public async Task A_snapshot_of_an_incremental_list_keeps_no_soft_deleted_row()
    {
        var list = await IncrementalListAsync();

        var first = await SendAndLoadAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,", "2,Bia,2026-10-01 01:00:00+00,2026-10-01 01:00:00+00"), Day1);
        var second = await SendAndLoadAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,2026-10-02 01:00:00+00", "3,Cid,2026-10-02 01:00:00+00,"), Day1.AddDays(1));

        Assert.Equal(new SnapshotRowCounts(1, 0, 0, 0), first.Rows);
        Assert.Equal(new SnapshotRowCounts(1, 0, 1, 0), second.Rows);
        Assert.Equal(["3|Cid"], (await RecordsAsync(list)).Select(r => r.Row));
    }

    [Fact]
    public async Task A_key_set_removes_the_rows_whose_key_is_gone_and_touches_nothing_else()
    {
        var list = await IncrementalListAsync();
        await SendAndLoadAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,", "2,Bia,2026-10-01 01:00:00+00,", "3,Cid,2026-10-01 01:00:00+00,", "4,Davi,2026-10-01 01:00:00+00,"), Day1);
        var before = await RecordsAsync(list);

        // Cid was deleted at the source (a hard delete no cursor sees); 9 is a key the backend has not received yet.
        var keySet = await SendAndLoadAsync(list, "id\n1\n2\n4\n9\n", Day1.AddHours(1), DeliveryKinds.KeySet);

        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(0, 0, 1, 3)), (keySet.Status, keySet.Rows));
        Assert.Equal([before[0], before[1], before[3]], await RecordsAsync(list));
    }

    [Fact]
    public async Task A_key_set_loaded_before_the_changes_of_its_run_waits_for_them_and_the_changes_are_applied()
    {
        var list = await IncrementalListAsync();
        await SendAndLoadAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,", "2,Bia,2026-10-01 01:00:00+00,", "3,Cid,2026-10-01 01:00:00+00,"), Day1, DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00");

        // One run: its changes (Bia renamed, Davi new), then a moment later its key set (Cid deleted outright at the source).
        var changes = await SendAsync(list, Records("2,Bia Nova,2026-10-01 02:00:00+00,", "4,Davi,2026-10-01 02:10:00+00,"), Day1.AddHours(1), DeliveryKinds.Changes, "2026-10-01T02:10:00Z");
        var keySet = await SendAsync(list, "id\n1\n2\n4\n", Day1.AddHours(1).AddSeconds(2), DeliveryKinds.KeySet);

        // The two queue messages are taken in the other order: the key set first.
        var keySetFirst = await LoadAsync(keySet);
        var changesLoad = await LoadAsync(changes);
        var keySetAgain = await LoadAsync(keySet); // the deferred message coming back

        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(Inserted: 1, Updated: 1, Deleted: 0, Unchanged: 2)), (changesLoad.Status, changesLoad.Rows));
        Assert.Equal(LoadResult.Deferred, keySetFirst.Status);
        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(0, 0, Deleted: 1, Unchanged: 3)), (keySetAgain.Status, keySetAgain.Rows));
        Assert.Equal(["1|Ana", "2|Bia Nova", "4|Davi"], (await RecordsAsync(list)).Select(r => r.Row));
        var cursor = await CursorAsync(list);
        Assert.Equal(("2026-10-01T02:10:00Z", changes), (cursor.Cursor, cursor.SnapshotId));
        Assert.True(cursor.KeySetAt >= cursor.LoadedAt);
    }

    [Fact]
    public async Task Changes_taken_before_the_key_set_extracted_ahead_of_them_wait_for_it_so_its_deletions_are_not_skipped()
    {
        var list = await IncrementalListAsync();
        await SendAndLoadAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,", "2,Bia,2026-10-01 01:00:00+00,", "3,Cid,2026-10-01 01:00:00+00,"), Day1, DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00");

        // A run's key set (Cid deleted outright), then the next run's changes, taken from the queue the other way round.
        var keySet = await SendAsync(list, "id\n1\n2\n", Day1.AddHours(1), DeliveryKinds.KeySet);
        var nextChanges = await SendAsync(list, Records("2,Bia Nova,2026-10-01 02:00:00+00,"), Day1.AddHours(1).AddMinutes(1), DeliveryKinds.Changes, "2026-10-01T02:00:00Z");

        var changesFirst = await LoadAsync(nextChanges);
        var keySetLoad = await LoadAsync(keySet);
        var changesAgain = await LoadAsync(nextChanges);

        Assert.Equal(LoadResult.Deferred, changesFirst.Status);
        Assert.Equal((SnapshotStatuses.Loaded, 1L), (keySetLoad.Status, keySetLoad.Rows?.Deleted));
        Assert.Equal((SnapshotStatuses.Loaded, 1L), (changesAgain.Status, changesAgain.Rows?.Updated));
        Assert.Equal(["1|Ana", "2|Bia Nova"], (await RecordsAsync(list)).Select(r => r.Row));
    }

    [Fact]
    public async Task A_key_set_waits_for_earlier_changes_only_for_the_configured_time_after_its_receipt_then_loads_as_before()
    {
        var list = await IncrementalListAsync();
        await SendAndLoadAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,", "2,Bia,2026-10-01 01:00:00+00,", "3,Cid,2026-10-01 01:00:00+00,"), Day1, DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00");
        var changes = await SendAsync(list, Records("2,Bia Nova,2026-10-01 02:00:00+00,"), Day1.AddHours(1), DeliveryKinds.Changes, "2026-10-01T02:00:00Z");
        var keySet = await SendAsync(list, "id\n1\n2\n", Day1.AddHours(1).AddSeconds(2), DeliveryKinds.KeySet);
        var options = new LoadOptions { LockTimeoutSeconds = 5, DeliveryOrderWaitSeconds = 600 };
        Assert.Equal(LoadResult.Deferred, (await LoadAsync(keySet, options)).Status);

        // The changes keep failing somewhere; the key set was received longer ago than the bound (set back, not slept).
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE ingest.snapshots SET received_at = now() - interval '601 seconds' WHERE snapshot_id = @keySet", new { keySet });
        }

        var keySetLoad = await LoadAsync(keySet, options);
        var lateChanges = await LoadAsync(changes, options);

        Assert.Equal((SnapshotStatuses.Loaded, 1L), (keySetLoad.Status, keySetLoad.Rows?.Deleted));
        Assert.Equal((SnapshotStatuses.Skipped, SnapshotErrorCodes.OlderSnapshot), (lateChanges.Status, lateChanges.ErrorCode)); // as before the rule: its rows come again from the unmoved cursor
        Assert.Equal(["1|Ana", "2|Bia"], (await RecordsAsync(list)).Select(r => r.Row));
        Assert.Equal("2026-10-01 01:00:00+00", (await CursorAsync(list)).Cursor);
    }

    [Fact]
    public async Task Changes_from_yesterday_replayed_today_neither_hold_todays_key_set_nor_overwrite_newer_rows()
    {
        var list = await IncrementalListAsync();

        // Yesterday's changes failed and stayed failed (received a day ago); today the operator replays it, after today's loads.
        var yesterday = await SendAsync(list, Records("1,Ana Antiga,2026-10-01 02:00:00+00,", "3,Cid,2026-10-01 02:00:00+00,"), Day1, DeliveryKinds.Changes, "2026-10-01T02:00:00Z");
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                "UPDATE ingest.snapshots SET status = @failed, received_at = now() - interval '1 day' WHERE snapshot_id = @yesterday",
                new { yesterday, failed = SnapshotStatuses.Failed });
        }

        await SendAndLoadAsync(list, Records("1,Ana,2026-10-02 01:00:00+00,", "2,Bia,2026-10-02 01:00:00+00,"), Day1.AddDays(1), DeliveryKinds.Snapshot, "2026-10-02 01:00:00+00");
        await SendAndLoadAsync(list, Records("2,Bia Nova,2026-10-02 02:00:00+00,"), Day1.AddDays(1).AddHours(1), DeliveryKinds.Changes, "2026-10-02T02:00:00Z");
        var keySet = await SendAndLoadAsync(list, "id\n1\n2\n", Day1.AddDays(1).AddHours(1).AddSeconds(2), DeliveryKinds.KeySet);
        var before = await RecordsAsync(list);

        var replay = await LoadAsync(yesterday);

        Assert.Equal(SnapshotStatuses.Loaded, keySet.Status); // a failed delivery received longer ago than the bound is not waited for
        Assert.Equal((SnapshotStatuses.Skipped, SnapshotErrorCodes.OlderSnapshot), (replay.Status, replay.ErrorCode));
        Assert.Equal(["1|Ana", "2|Bia Nova"], before.Select(r => r.Row));
        Assert.Equal(before, await RecordsAsync(list)); // not a row rewritten (xmin)
        Assert.Equal("2026-10-02T02:00:00Z", (await CursorAsync(list)).Cursor);
    }

    [Fact]
    public async Task A_key_set_that_would_remove_most_of_a_sites_rows_is_held_and_an_empty_one_too()
    {
        var list = await IncrementalListAsync();
        await SendAndLoadAsync(list, Records([.. Enumerable.Range(1, 30).Select(i => $"{i},Pessoa {i},2026-10-01 01:00:00+00,")]), Day1);
        var before = await RecordsAsync(list);

        var most = await SendAndLoadAsync(list, "id\n1\n2\n3\n", Day1.AddHours(1), DeliveryKinds.KeySet);
        var empty = await SendAndLoadAsync(list, "id\n", Day1.AddHours(2), DeliveryKinds.KeySet);

        Assert.Equal((SnapshotStatuses.Held, SnapshotErrorCodes.MassDeletion, new SnapshotRowCounts(0, 0, 27, 3)), (most.Status, most.ErrorCode, most.Rows));
        Assert.Equal((SnapshotStatuses.Held, SnapshotErrorCodes.EmptySnapshot), (empty.Status, empty.ErrorCode));
        Assert.Equal(before, await RecordsAsync(list));
        Assert.Null((await CursorAsync(list)).KeySetAt); // a held key set was not loaded
    }

    [Fact]
    public async Task The_cursor_is_acknowledged_when_its_load_commits_and_never_goes_backwards()
    {
        var list = await IncrementalListAsync();
        Assert.Equal(new ListCursorDto(list, null, null, null, null), await CursorAsync(list)); // nothing loaded yet: the next run is a whole snapshot

        var snapshot = await SendAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,"), Day1, DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00");
        Assert.Equal((DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00", SnapshotStatuses.Queued), await LedgerAsync(snapshot));
        Assert.Null((await CursorAsync(list)).Cursor); // received and queued is not acknowledged
        await LoadAsync(snapshot);
        var first = await CursorAsync(list);
        Assert.Equal(("2026-10-01 01:00:00+00", snapshot), (first.Cursor, first.SnapshotId));
        Assert.NotNull(first.LoadedAt);
        Assert.Equal(first.LoadedAt, first.KeySetAt); // a whole snapshot removed every row missing from it: it counts as a key set

        // A later delivery whose cursor is lower (the source's clock went back) loads its rows but does not lower the cursor.
        var later = await SendAndLoadAsync(list, Records("2,Bia,2026-10-01 00:30:00+00,"), Day1.AddHours(1), DeliveryKinds.Changes, "2026-10-01T00:30:00Z");
        Assert.Equal(SnapshotStatuses.Loaded, later.Status);
        Assert.Equal(("2026-10-01 01:00:00+00", snapshot), ((await CursorAsync(list)).Cursor, (await CursorAsync(list)).SnapshotId));

        // An older delivery replayed late is skipped: its cursor is not acknowledged either.
        var old = await SendAsync(list, Records("1,Ana Velha,2026-10-01 05:00:00+00,"), Day1.AddMinutes(30), DeliveryKinds.Changes, "2026-10-01T05:00:00Z");
        Assert.Equal(SnapshotStatuses.Skipped, (await LoadAsync(old)).Status);
        Assert.Equal("2026-10-01 01:00:00+00", (await CursorAsync(list)).Cursor);

        // A rejected delivery (a key twice) commits nothing, the cursor included.
        var rejected = await SendAndLoadAsync(list, Records("3,Cid,2026-10-01 06:00:00+00,", "3,Cid,2026-10-01 06:00:00+00,"), Day1.AddHours(2), DeliveryKinds.Changes, "2026-10-01T06:00:00Z");
        Assert.Equal((SnapshotStatuses.Rejected, SnapshotErrorCodes.DuplicateKey), (rejected.Status, rejected.ErrorCode));
        Assert.Equal("2026-10-01 01:00:00+00", (await CursorAsync(list)).Cursor);

        // The next changes move it forward; a key set records when it loaded and leaves the cursor alone.
        var next = await SendAsync(list, Records("3,Cid,2026-10-01 07:00:00+00,"), Day1.AddHours(3), DeliveryKinds.Changes, "2026-10-01T07:00:00.5Z");
        await LoadAsync(next);
        var keySet = await SendAsync(list, "id\n1\n2\n3\n", Day1.AddHours(4), DeliveryKinds.KeySet);
        await LoadAsync(keySet);
        var last = await CursorAsync(list);
        Assert.Equal(DeliveryKinds.KeySet, (await new SnapshotLedger(infra.Database).ReadStatusAsync(keySet, CancellationToken.None))!.Delivery);
        Assert.Equal(("2026-10-01T07:00:00.5Z", next), (last.Cursor, last.SnapshotId));
        Assert.NotNull(last.KeySetAt);
        Assert.True(last.KeySetAt >= last.LoadedAt);
    }

    [Fact]
    public async Task A_replay_from_blobs_gives_a_lost_row_back_its_delivery_kind_and_cursor()
    {
        var list = await IncrementalListAsync();
        await LoadAsync(await SendAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,", "2,Bia,2026-10-01 01:00:00+00,"), Day1, DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00"));
        var changes = await SendAsync(list, Records("2,Bia,2026-10-01 02:00:00+00,2026-10-01 02:00:00+00"), Day1.AddHours(1), DeliveryKinds.Changes, "2026-10-01T02:00:00Z");
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            // A database restored to before this delivery was received: only its blob is left.
            await connection.ExecuteAsync("DELETE FROM ingest.snapshots WHERE snapshot_id = @changes", new { changes });
        }

        var replayer = new Replayer(
            new LoadQueue(infra.Queues, Options.Create(new LoadQueueOptions { Queue = _queue })),
            new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = _container })),
            new SnapshotLedger(infra.Database));
        await replayer.ReplayBlobsAsync(new ReplayFilter(_site, list), dryRun: false, CancellationToken.None);

        Assert.Equal((DeliveryKinds.Changes, "2026-10-01T02:00:00Z", SnapshotStatuses.Queued), await LedgerAsync(changes));
        var loaded = await LoadAsync(changes);
        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(0, 0, 1, 1)), (loaded.Status, loaded.Rows));
        Assert.Equal(["1|Ana"], (await RecordsAsync(list)).Select(r => r.Row));
        Assert.Equal(("2026-10-01T02:00:00Z", changes), ((await CursorAsync(list)).Cursor, (await CursorAsync(list)).SnapshotId));
    }

    [Fact]
    public async Task The_cursor_endpoint_answers_each_site_its_own_cursor_only()
    {
        var list = await IncrementalListAsync();
        var other = await infra.NewSiteAsync();
        var otherToken = (await SiteTokens.IssueAsync(infra.Database, other, CancellationToken.None)).Token;
        await LoadAsync(await SendAsync(list, Records("1,Ana,2026-10-01 01:00:00+00,"), Day1, DeliveryKinds.Snapshot, "2026-10-01 01:00:00+00"));
        await LoadAsync(await SendAsync(list, Records("1,Outra,2026-10-03 01:00:00+00,"), Day1, DeliveryKinds.Snapshot, "2026-10-03 01:00:00+00", otherToken));

        Assert.Equal("2026-10-01 01:00:00+00", (await CursorAsync(list)).Cursor);
        Assert.Equal("2026-10-03 01:00:00+00", (await CursorAsync(list, otherToken)).Cursor);
        var third = await infra.NewSiteAsync();
        Assert.Equal(new ListCursorDto(list, null, null, null, null), await CursorAsync(list, (await SiteTokens.IssueAsync(infra.Database, third, CancellationToken.None)).Token));

        using var unknown = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.ListCursorPath("nao_existe"));
        unknown.Headers.Authorization = new("Bearer", _token);
        using var response = await _app.Http.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemCodes.UnknownList, (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.ListCursorPath(list));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Http.SendAsync(anonymous)).StatusCode);
    }
}
