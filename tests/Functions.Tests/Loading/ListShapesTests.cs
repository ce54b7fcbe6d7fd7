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
/// Lists as they really are, through the real ingest (HTTP) and the real loader: keyless lists, columns computed at
/// extraction time, versions that change while snapshots wait, and the mass-deletion guard.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class ListShapesTests(InfraFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Day1 = new(2026, 10, 1, 3, 0, 0, TimeSpan.Zero);
    private readonly string _queue = "q" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = "c" + Guid.NewGuid().ToString("N")[..12];
    private InProcessApp _app = null!;
    private string _site = null!;
    private string _token = null!;
    private ListCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        _app = await InProcessApp.StartAsync(infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}");
        _site = await infra.NewSiteAsync();
        _token = (await SiteTokens.IssueAsync(infra.Database, _site, CancellationToken.None)).Token;
        _catalog = new ListCatalog(infra.Database, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _catalog.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<string> BlobNameAsync(Guid id)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT blob_name FROM ingest.snapshots WHERE snapshot_id = @id", new { id }) ?? "";
    }

    /// <summary>Rows left in the list's unlogged staging table (ADR 0025): a load deletes its own before it commits.</summary>
    private async Task<long> StagedRowsAsync(string list)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM staging.{list}");
    }

    private async Task<bool> BlobExistsAsync(string name) =>
        await infra.Blobs.GetBlobContainerClient(_container).GetBlobClient(name).ExistsAsync();

    /// <summary>
    /// A held snapshot's blobs: the name ingest gave it, and the one its row names now, which must be outside the
    /// storage lifecycle rule's prefixes (a digit after the container, bicep/modules/storage.bicep) with the original gone.
    /// </summary>
    private async Task<(string Original, string Held)> BlobsOfAsync(Guid id)
    {
        var held = await BlobNameAsync(id);
        var original = SnapshotStore.ReleasedName(held);
        if (held != original)
        {
            Assert.False(char.IsAsciiDigit(held[0]), $"{held} is under the lifecycle rule's prefixes");
            Assert.True(await BlobExistsAsync(held));
            Assert.False(await BlobExistsAsync(original));
        }

        return (original, held);
    }

    private HeldSnapshots Decisions() => new(
        new SnapshotLedger(infra.Database), new LoadQueue(infra.Queues, Options.Create(new LoadQueueOptions { Queue = _queue })), infra.Database,
        new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = _container })), TimeProvider.System);

    private static string NewListName(string prefix) => $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<ListDefinition> PublishAsync(string name, int version, IReadOnlyList<ListColumnDto> columns, IReadOnlyList<string> key)
    {
        var list = new ListDefinition(name, version, "test", $"SELECT {version}", columns, key);
        await ListPublisher.PublishAsync(infra.Database, list, activate: true, CancellationToken.None);
        _app.App.Services.GetRequiredService<ListCatalog>().Invalidate();
        return list;
    }

    /// <summary>PUTs the CSV through the real ingest and returns the snapshot id (202 expected).</summary>
    private async Task<Guid> SendAsync(string list, string csv, DateTimeOffset extractedAt)
    {
        var id = SnapshotIds.New(extractedAt);
        using var response = await _app.Http.SendAsync(Uploads.Put(list, id, Csv.Gzip(csv), _token, extractedAt));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>Runs the loader for one snapshot. The message carries only the id worth trusting; the rest is deliberately wrong.</summary>
    private Task<LoadResult> LoadAsync(Guid id, LoadOptions? options = null) =>
        new SnapshotLoader(
                infra.Database, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = _container })), _catalog,
                Options.Create(options ?? new LoadOptions { LockTimeoutSeconds = 5 }), NullLogger<SnapshotLoader>.Instance)
            .LoadAsync(new LoadMessage(id, "0000000", "not_this_list", "not/this/blob", Day1), CancellationToken.None);

    private async Task<LoadResult> SendAndLoadAsync(string list, string csv, DateTimeOffset extractedAt, LoadOptions? options = null) =>
        await LoadAsync(await SendAsync(list, csv, extractedAt), options);

    /// <summary>The site's rows as text (one string per row, sorted), with xmin: which rows were rewritten.</summary>
    private async Task<List<(string Row, uint Xmin)>> RowsAsync(string list, params string[] columns)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, uint)>(
            $"SELECT concat_ws('|', {string.Join(", ", columns.Select(c => $"coalesce({c}::text, 'NULL')"))}), xmin::text::bigint FROM lists.{list} WHERE site_id = @site ORDER BY 1",
            new { site = _site })).ToList();
    }

    private async Task<(string Status, int? Version, string? Code, string? Detail)> SnapshotAsync(Guid id)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string, int?, string?, string?)>(
            "SELECT status, list_version, error_code, error_detail FROM ingest.snapshots WHERE snapshot_id = @id", new { id });
    }

    [Fact]
    public async Task A_keyless_list_keeps_duplicate_rows_and_NULLs_and_an_unchanged_reload_writes_nothing()
    {
        var list = NewListName("vacinas");
        await PublishAsync(list, 1, [new("crianca", "text"), new("vacina", "varchar(20)"), new("dose", "text"), new("dt_dose", "date")], []);
        const string Header = "crianca,vacina,dose,dt_dose\n";
        var day1 = Header + "João,BCG,D1,2026-01-02\nJoão,BCG,D1,2026-01-02\nMaria da Conceição,,,\nAna,Penta,D1,2026-03-01\n";

        var first = await SendAndLoadAsync(list, day1, Day1);
        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(4, 0, 0, 0)), (first.Status, first.Rows));
        var loaded = await RowsAsync(list, "crianca", "vacina", "dose", "dt_dose");
        Assert.Equal(["Ana|Penta|D1|2026-03-01", "João|BCG|D1|2026-01-02", "João|BCG|D1|2026-01-02", "Maria da Conceição|NULL|NULL|NULL"], loaded.Select(r => r.Row));

        // Same rows, another order: nothing is written.
        var again = await SendAndLoadAsync(list, Header + "Ana,Penta,D1,2026-03-01\nMaria da Conceição,,,\nJoão,BCG,D1,2026-01-02\nJoão,BCG,D1,2026-01-02\n", Day1.AddDays(1));
        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(0, 0, 0, 4)), (again.Status, again.Rows));
        Assert.Equal(loaded, await RowsAsync(list, "crianca", "vacina", "dose", "dt_dose"));

        // One duplicate copy goes, Maria gets her first dose, Pedro arrives: a changed row is one delete and one insert.
        var day3 = Header + "João,BCG,D1,2026-01-02\nMaria da Conceição,BCG,D1,2026-11-20\nAna,Penta,D1,2026-03-01\nPedro,,,\n";
        var third = await SendAndLoadAsync(list, day3, Day1.AddDays(2));
        Assert.Equal(new SnapshotRowCounts(2, 0, 2, 2), third.Rows);
        var rows = await RowsAsync(list, "crianca", "vacina", "dose", "dt_dose");
        Assert.Equal(["Ana|Penta|D1|2026-03-01", "João|BCG|D1|2026-01-02", "Maria da Conceição|BCG|D1|2026-11-20", "Pedro|NULL|NULL|NULL"], rows.Select(r => r.Row));
        Assert.Contains(loaded[0], rows); // Ana's row was not rewritten
        Assert.Equal(0L, await StagedRowsAsync(list)); // staged rows, current rows and per-row-hash counts went with each commit
    }

    [Fact]
    public async Task Columns_computed_at_extraction_never_make_a_row_changed_and_take_the_latest_value_when_it_is_written()
    {
        var list = NewListName("gestantes");
        await PublishAsync(list, 1,
            [new("id", "int8"), new("nome", "text"), new("dt_extracao", "timestamp with time zone", Compare: false), new("idade_meses", "int4", Compare: false)],
            ["id"]);
        const string Header = "id,nome,dt_extracao,idade_meses\n";
        await SendAndLoadAsync(list, Header + "1,Ana,2026-11-23 03:00:00+00,300\n2,Bia,2026-11-23 03:00:00+00,310\n", Day1);
        var before = await RowsAsync(list, "id", "nome", "dt_extracao", "idade_meses");

        var onlyVolatile = await SendAndLoadAsync(list, Header + "1,Ana,2026-11-24 03:00:00+00,301\n2,Bia,2026-11-24 03:00:00+00,311\n", Day1.AddDays(1));

        Assert.Equal(new SnapshotRowCounts(0, 0, 0, 2), onlyVolatile.Rows);
        Assert.Equal(before, await RowsAsync(list, "id", "nome", "dt_extracao", "idade_meses")); // same values, same xmin: no write

        var realChange = await SendAndLoadAsync(list, Header + "1,Ana Souza,2026-11-25 03:00:00+00,302\n2,Bia,2026-11-25 03:00:00+00,312\n", Day1.AddDays(2));

        Assert.Equal(new SnapshotRowCounts(0, 1, 0, 1), realChange.Rows);
        var after = await RowsAsync(list, "id", "nome", "dt_extracao", "idade_meses");
        Assert.Equal("1|Ana Souza|2026-11-25 03:00:00+00|302", after[0].Row);
        Assert.Equal(before[1], after[1]);
    }

    [Fact]
    public async Task A_keyless_list_with_extraction_time_columns_writes_nothing_when_only_they_change()
    {
        var list = NewListName("vacinas");
        await PublishAsync(list, 1, [new("crianca", "text"), new("vacina", "text"), new("idade_meses", "integer", Compare: false)], []);
        await SendAndLoadAsync(list, "crianca,vacina,idade_meses\nJoão,BCG,2\nJoão,BCG,2\nAna,,5\n", Day1);
        var before = await RowsAsync(list, "crianca", "vacina", "idade_meses");

        var next = await SendAndLoadAsync(list, "crianca,vacina,idade_meses\nJoão,BCG,3\nJoão,BCG,3\nAna,,6\n", Day1.AddDays(31));

        Assert.Equal(new SnapshotRowCounts(0, 0, 0, 3), next.Rows);
        Assert.Equal(before, await RowsAsync(list, "crianca", "vacina", "idade_meses"));
    }

    [Fact]
    public async Task A_snapshot_loads_with_the_version_it_was_checked_against_whatever_is_active_by_then()
    {
        var list = NewListName("versoes");
        await PublishAsync(list, 1, [new("id", "bigint"), new("nome", "text"), new("apelido", "text")], ["id"]);
        await SendAndLoadAsync(list, "id,nome,apelido\n1,Ana,Aninha\n", Day1);
        var queuedV1 = await SendAsync(list, "id,nome,apelido\n1,Ana,Aninha\n2,Bia,Bibi\n", Day1.AddDays(1));

        // v2 swaps two text columns and adds one; it becomes active while the v1 snapshot waits in the queue.
        await PublishAsync(list, 2, [new("id", "bigint"), new("apelido", "text"), new("nome", "text"), new("idade", "integer")], ["id"]);
        var waited = await LoadAsync(queuedV1);

        Assert.Equal((SnapshotStatuses.Loaded, 1), (waited.Status, (await SnapshotAsync(queuedV1)).Version));
        Assert.Equal(["1|Ana|Aninha|NULL", "2|Bia|Bibi|NULL"], (await RowsAsync(list, "id", "nome", "apelido", "idade")).Select(r => r.Row));

        // A site still on v1 (definitions fetched before the switch, or spooled) is accepted and loaded as v1...
        var lateV1 = await SendAsync(list, "id,nome,apelido\n1,Ana,Aninha\n2,Bia,Bibi\n3,Cida,Ci\n", Day1.AddDays(2));
        Assert.Equal(1, (await SnapshotAsync(lateV1)).Version);
        Assert.Equal(SnapshotStatuses.Loaded, (await LoadAsync(lateV1)).Status);

        // ...and a v2 snapshot in v2's order fills the new column without swapping anything.
        var v2 = await SendAsync(list, "id,apelido,nome,idade\n1,Aninha,Ana,30\n2,Bibi,Bia,31\n3,Ci,Cida,32\n", Day1.AddDays(3));
        Assert.Equal(2, (await SnapshotAsync(v2)).Version);
        var loaded = await LoadAsync(v2);

        Assert.Equal(new SnapshotRowCounts(0, 3, 0, 0), loaded.Rows);
        Assert.Equal(["1|Ana|Aninha|30", "2|Bia|Bibi|31", "3|Cida|Ci|32"], (await RowsAsync(list, "id", "nome", "apelido", "idade")).Select(r => r.Row));
    }

    [Fact]
    public async Task A_header_matching_no_stored_version_is_refused_at_ingest()
    {
        var list = NewListName("versoes");
        await PublishAsync(list, 1, [new("id", "bigint"), new("nome", "text")], ["id"]);

        using var response = await _app.Http.SendAsync(Uploads.Put(list, Csv.Gzip("nome,id\nAna,1\n"), _token, Day1));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(ProblemCodes.BadCsvHeader, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_key_or_column_type_is_refused_at_publish_and_the_table_stays_as_it_was()
    {
        var list = NewListName("chaves");
        await PublishAsync(list, 1, [new("id", "bigint"), new("nome", "text")], ["id"]);

        var rekey = await Assert.ThrowsAsync<ListPublishRefusedException>(() => PublishAsync(list, 2, [new("id", "bigint"), new("nome", "text")], ["id", "nome"]));
        var retype = await Assert.ThrowsAsync<ListPublishRefusedException>(() => PublishAsync(list, 2, [new("id", "bigint"), new("nome", "varchar(10)")], ["id"]));
        var rewrite = await Assert.ThrowsAsync<ListPublishRefusedException>(() => PublishAsync(list, 1, [new("id", "bigint"), new("nome", "text"), new("x", "text")], ["id"]));

        Assert.Contains("changes the key from (id) to (id, nome)", rekey.Message, StringComparison.Ordinal);
        Assert.Contains("column 'nome' changes type from text to varchar(10)", retype.Message, StringComparison.Ordinal);
        Assert.Contains("version 1 is already published with other content", rewrite.Message, StringComparison.Ordinal);
        await using var connection = await infra.Database.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM ingest.list_definitions WHERE name = @list", new { list }));
        Assert.Equal(["id", "nome", "site_id", "snapshot_id"], (await connection.QueryAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'lists' AND table_name = @list ORDER BY column_name", new { list })).ToList());
    }

    private async Task<string> ListWithRowsAsync(int rows)
    {
        var list = NewListName("guarda");
        await PublishAsync(list, 1, [new("id", "bigint"), new("nome", "text")], ["id"]);
        await SendAndLoadAsync(list, "id,nome\n" + string.Concat(Enumerable.Range(1, rows).Select(i => $"{i},Pessoa {i}\n")), Day1);
        return list;
    }

    [Fact]
    public async Task A_snapshot_deleting_most_of_a_site_is_held_until_an_operator_applies_it()
    {
        var list = await ListWithRowsAsync(40);
        var before = await RowsAsync(list, "id", "nome");

        var id = await SendAsync(list, "id,nome\n" + string.Concat(Enumerable.Range(1, 10).Select(i => $"{i},Pessoa {i}\n")), Day1.AddDays(1));
        var held = await LoadAsync(id);

        Assert.Equal((SnapshotStatuses.Held, SnapshotErrorCodes.MassDeletion), (held.Status, held.ErrorCode));
        Assert.Equal(new SnapshotRowCounts(0, 0, 30, 10), held.Rows);
        Assert.Contains("delete 30 of the site's 40 rows (75", held.Reason, StringComparison.Ordinal);
        Assert.Equal(before, await RowsAsync(list, "id", "nome"));
        Assert.Equal(0L, await StagedRowsAsync(list)); // the hold commits, the staged rows and the delta do not
        var status = await StatusAsync(id);
        Assert.Equal((SnapshotStatuses.Held, 40L, 10L), (status.Status, status.Rows!.Before, status.Rows.After));

        var fleet = Assert.Single(await new SnapshotLedger(infra.Database).ReadFleetAsync(new FleetOptions(), DateTimeOffset.UtcNow, CancellationToken.None), f => f.Ibge == _site);
        Assert.Equal((1L, list), (fleet.HeldSnapshots, fleet.HeldLists));
        Assert.Equal(status.LoadFinishedAt, fleet.HeldSince); // how long the decision has waited

        // A redelivery of the message changes nothing while it is held.
        Assert.Equal(SnapshotStatuses.Held, (await LoadAsync(id)).Status);

        var operations = Decisions();
        var waiting = Assert.Single(await operations.ListAsync(CancellationToken.None), s => s.Snapshot.SnapshotId == id);
        Assert.Equal(status.LoadFinishedAt, waiting.HeldSince);
        Assert.InRange(waiting.HoursWaiting, 0, 1);
        var (original, heldBlob) = await BlobsOfAsync(id);
        Assert.Equal(SnapshotStore.HeldName(original), heldBlob);
        Assert.True(await operations.DecideAsync(id, HeldSnapshots.Apply, "test:operadora", CancellationToken.None));
        Assert.False(await operations.DecideAsync(id, HeldSnapshots.Drop, "test:operadora", CancellationToken.None));
        Assert.Equal(SnapshotStatuses.Queued, (await SnapshotAsync(id)).Status);
        var queued = await infra.Queues.GetQueueClient(_queue).PeekMessagesAsync(32);
        Assert.Contains(queued.Value, m => LoadMessage.TryParse(m.Body.ToString())?.SnapshotId == id);

        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            Assert.Equal("test:operadora", await connection.ExecuteScalarAsync<string>(
                "SELECT actor FROM ingest.operator_audit WHERE action = 'held-snapshot-apply' AND target = @target", new { target = id.ToString("D") }));
        }

        // Decided: the blob is back under the lifecycle rule's prefixes and the held copy is gone.
        Assert.Equal(original, await BlobNameAsync(id));
        Assert.True(await BlobExistsAsync(original));
        Assert.False(await BlobExistsAsync(heldBlob));

        var applied = await LoadAsync(id);

        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(0, 0, 30, 10)), (applied.Status, applied.Rows));
        Assert.Equal(10, (await RowsAsync(list, "id", "nome")).Count);
    }

    [Fact]
    public async Task A_site_losing_30_percent_a_day_is_held_once_the_losses_add_up_past_the_share_within_the_window()
    {
        var list = await ListWithRowsAsync(100);
        string Rows(int count) => "id,nome\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"{i},Pessoa {i}\n"));

        // Day 2: 100 → 70, 30 % (under the 50 % share): applied.
        var second = await SendAndLoadAsync(list, Rows(70), Day1.AddDays(1));
        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(0, 0, 30, 70)), (second.Status, second.Rows));

        // Day 3: 70 → 49 is 30 % again, but 51 % fewer than the 100 of two days ago: held.
        var thirdId = await SendAsync(list, Rows(49), Day1.AddDays(2));
        var third = await LoadAsync(thirdId);
        Assert.Equal((SnapshotStatuses.Held, SnapshotErrorCodes.MassDeletion), (third.Status, third.ErrorCode));
        Assert.Contains("leave 49 rows where the site had 100 in the last 7 days (51", third.Reason, StringComparison.Ordinal);
        Assert.Equal(70, (await RowsAsync(list, "id", "nome")).Count);

        // Beyond the window the old count no longer counts: with a 1-day window the same loss is applied.
        var oneDay = await SendAsync(list, Rows(49), Day1.AddDays(2).AddHours(2));
        Assert.Equal(SnapshotStatuses.Loaded, (await LoadAsync(oneDay, new LoadOptions { LockTimeoutSeconds = 5, HoldWindowDays = 1 })).Status);
    }

    [Fact]
    public async Task After_an_operator_applies_a_held_loss_the_window_starts_again_from_it()
    {
        var list = await ListWithRowsAsync(100);
        string Rows(int count) => "id,nome\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"{i},Pessoa {i}\n"));
        Assert.Equal(SnapshotStatuses.Loaded, (await SendAndLoadAsync(list, Rows(70), Day1.AddDays(1))).Status);
        var heldId = await SendAsync(list, Rows(49), Day1.AddDays(2));
        Assert.Equal(SnapshotStatuses.Held, (await LoadAsync(heldId)).Status);

        var operations = Decisions();
        Assert.True(await operations.DecideAsync(heldId, HeldSnapshots.Apply, "test:operadora", CancellationToken.None));
        Assert.Equal(SnapshotStatuses.Loaded, (await LoadAsync(heldId)).Status);

        // The operator accepted 49: the next day's small loss is judged against it, not against the 100 still in the window.
        var next = await SendAndLoadAsync(list, Rows(45), Day1.AddDays(3));
        Assert.Equal((SnapshotStatuses.Loaded, 45L), (next.Status, next.Rows?.After));
    }

    [Fact]
    public async Task An_empty_snapshot_is_held_and_dropping_it_keeps_the_sites_rows()
    {
        var list = await ListWithRowsAsync(3);
        var before = await RowsAsync(list, "id", "nome");

        var id = await SendAsync(list, "id,nome\n", Day1.AddDays(1));
        var held = await LoadAsync(id);

        Assert.Equal((SnapshotStatuses.Held, SnapshotErrorCodes.EmptySnapshot), (held.Status, held.ErrorCode));
        var heldBlob = await BlobNameAsync(id);
        Assert.StartsWith(SnapshotStore.HeldPrefix, heldBlob, StringComparison.Ordinal);
        var operations = Decisions();
        Assert.True(await operations.DecideAsync(id, HeldSnapshots.Drop, "test:operadora", CancellationToken.None));
        var dropped = await SnapshotAsync(id);
        Assert.Equal((SnapshotStatuses.Rejected, SnapshotErrorCodes.DroppedByOperator), (dropped.Status, dropped.Code));
        Assert.Equal(SnapshotStore.ReleasedName(heldBlob), await BlobNameAsync(id)); // under the lifecycle rule again
        Assert.True(await BlobExistsAsync(SnapshotStore.ReleasedName(heldBlob)));
        Assert.False(await BlobExistsAsync(heldBlob));
        Assert.Equal(before, await RowsAsync(list, "id", "nome"));
        Assert.Equal(SnapshotStatuses.Rejected, (await LoadAsync(id)).Status);
        Assert.False(await new SnapshotLedger(infra.Database).ReopenRejectedAsync(id, CancellationToken.None)); // dropped stays dropped
    }

    [Fact]
    public async Task A_rejected_snapshot_loads_when_replayed_with_include_rejected_after_the_cause_is_fixed()
    {
        var list = NewListName("reabrir");
        await PublishAsync(list, 1, [new("id", "bigint"), new("nome", "text")], ["id"]);
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync($"ALTER TABLE lists.{list} DROP COLUMN nome"); // someone broke the table by hand
        var id = await SendAsync(list, "id,nome\n1,Ana\n", Day1);
        Assert.Equal((SnapshotStatuses.Rejected, SnapshotErrorCodes.SchemaMismatch), ((await LoadAsync(id)).Status, (await SnapshotAsync(id)).Code));
        await connection.ExecuteAsync($"ALTER TABLE lists.{list} ADD COLUMN nome text"); // fixed
        var replayer = new Replayer(
            new LoadQueue(infra.Queues, Options.Create(new LoadQueueOptions { Queue = _queue })),
            new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = _container })),
            new SnapshotLedger(infra.Database));

        await replayer.ReplayBlobsAsync(new ReplayFilter(_site, list), dryRun: false, CancellationToken.None);
        Assert.Equal(SnapshotStatuses.Rejected, (await LoadAsync(id)).Status); // a plain replay never reopens it

        await replayer.ReplayBlobsAsync(new ReplayFilter(_site, list, IncludeRejected: true), dryRun: false, CancellationToken.None);
        var loaded = await LoadAsync(id);

        Assert.Equal((SnapshotStatuses.Loaded, new SnapshotRowCounts(1, 0, 0, 0)), (loaded.Status, loaded.Rows));
        Assert.Equal(["1|Ana"], (await RowsAsync(list, "id", "nome")).Select(r => r.Row));
    }

    [Fact]
    public async Task The_share_rule_waits_for_enough_rows_and_follows_its_setting()
    {
        var small = await ListWithRowsAsync(5);
        var shrink = await SendAndLoadAsync(small, "id,nome\n1,Pessoa 1\n", Day1.AddDays(1));
        Assert.Equal((SnapshotStatuses.Loaded, 4L), (shrink.Status, shrink.Rows!.Deleted));

        var big = await ListWithRowsAsync(40);
        var lenient = await SendAndLoadAsync(big, "id,nome\n1,Pessoa 1\n", Day1.AddDays(1), new LoadOptions { LockTimeoutSeconds = 5, HoldWhenDeletingShare = 1.0 });
        Assert.Equal((SnapshotStatuses.Loaded, 39L), (lenient.Status, lenient.Rows!.Deleted));
    }

    [Fact]
    public async Task A_rejection_reason_keeps_column_and_table_names_and_drops_values()
    {
        var list = NewListName("motivos");
        await PublishAsync(list, 1, [new("id", "bigint"), new("nome", "varchar(5)")], ["id"]);

        var nullKey = await SendAndLoadAsync(list, "id,nome\n,Ana\n", Day1);
        var tooLong = await SendAndLoadAsync(list, "id,nome\n1,Maria da Conceição\n", Day1.AddDays(1));

        Assert.Equal((SnapshotStatuses.Rejected, SnapshotErrorCodes.NullKey), (nullKey.Status, nullKey.ErrorCode));
        Assert.Contains($"null value in column \"id\" of relation \"{list}\"", nullKey.Reason, StringComparison.Ordinal);
        Assert.Equal(SnapshotErrorCodes.BadData, tooLong.ErrorCode);
        Assert.Contains("column nome", tooLong.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Maria", tooLong.Reason, StringComparison.Ordinal);
    }

    /// <summary>GET /api/v1/snapshots/{id} as the site sees it.</summary>
    private async Task<SnapshotStatusDto> StatusAsync(Guid id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.SnapshotStatusPath(id));
        request.Headers.Authorization = new("Bearer", _token);
        using var response = await _app.Http.SendAsync(request);
        return (await response.Content.ReadFromJsonAsync<SnapshotStatusDto>())!;
    }
}
