using System.Net;
using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>
/// X-Delivery and X-Cursor at ingest, over a real socket with the real central database and Azurite: every refusal has
/// its code and keeps nothing (no blob, no row, no message), and an accepted delivery's kind and cursor are recorded in
/// the bookkeeping row and in the blob's metadata, where a replay reads them back.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class DeliveryIngestTests(InfraFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Extracted = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    private readonly string _queue = "q" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = "c" + Guid.NewGuid().ToString("N")[..12];
    private InProcessApp _app = null!;
    private string _token = null!;
    private string _append = null!;
    private string _incremental = null!;

    public async Task InitializeAsync()
    {
        _app = await InProcessApp.StartAsync(infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}");
        var site = await infra.NewSiteAsync();
        _token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;
        _append = $"eventos_{Guid.NewGuid().ToString("N")[..8]}";
        _incremental = $"cadastros_{Guid.NewGuid().ToString("N")[..8]}";
        await ListPublisher.PublishAsync(infra.Database, new ListDefinition(
            _append, 1, "test", "SELECT 1", [new("id", "bigint"), new("tipo", "text")], ["id"], Mode: LoadModes.Append), activate: true, CancellationToken.None);
        await ListPublisher.PublishAsync(infra.Database, new ListDefinition(
            _incremental, 1, "test", "SELECT 1", [new("id", "bigint"), new("nome", "text"), new("atualizado", "timestamptz")], ["id"],
            Mode: LoadModes.Incremental, Incremental: new IncrementalDto("atualizado")), activate: true, CancellationToken.None);
        _app.App.Services.GetRequiredService<ListCatalog>().Invalidate();
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    private async Task<HttpResponseMessage> PutAsync(string list, string csv, string? delivery, string? cursor, Guid? id = null)
    {
        var body = Csv.Gzip(csv);
        var snapshotId = id ?? SnapshotIds.New(Extracted);
        using var request = SnapshotUploadRequest.Create(_token, list, snapshotId, SnapshotIds.Timestamp(snapshotId), new ByteArrayContent(body), Csv.Digest(body), delivery, cursor);
        return await _app.Http.SendAsync(request);
    }

    public static TheoryData<string, string, string?, string?, string> Refusals() => new()
    {
        // list (test, append, incremental), CSV, X-Delivery, X-Cursor, code
        { "test", Csv.TestHeader + "\n1,Ana,1950-01-02,t,70\n", "everything", null, ProblemCodes.UnknownDeliveryKind },
        { "test", Csv.TestHeader + "\n1,Ana,1950-01-02,t,70\n", "Append", null, ProblemCodes.UnknownDeliveryKind },
        { "test", Csv.TestHeader + "\n1,Ana,1950-01-02,t,70\n", DeliveryKinds.Append, null, ProblemCodes.DeliveryNotAllowed },
        { "test", "id\n1\n", DeliveryKinds.KeySet, null, ProblemCodes.DeliveryNotAllowed },
        { "append", "id,tipo\n1,a\n", null, null, ProblemCodes.DeliveryNotAllowed },
        { "append", "id,tipo\n1,a\n", DeliveryKinds.Changes, "2026-11-23T03:00:00Z", ProblemCodes.DeliveryNotAllowed },
        { "incremental", "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n", DeliveryKinds.Append, null, ProblemCodes.DeliveryNotAllowed },
        { "test", Csv.TestHeader + "\n1,Ana,1950-01-02,t,70\n", null, "2026-11-23T03:00:00Z", ProblemCodes.UnexpectedCursor },
        { "append", "id,tipo\n1,a\n", DeliveryKinds.Append, "2026-11-23T03:00:00Z", ProblemCodes.UnexpectedCursor },
        { "incremental", "id\n1\n", DeliveryKinds.KeySet, "2026-11-23T03:00:00Z", ProblemCodes.UnexpectedCursor },
        { "incremental", "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n", DeliveryKinds.Changes, null, ProblemCodes.MissingCursor },
        { "incremental", "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n", DeliveryKinds.Changes, "yesterday", ProblemCodes.BadCursor },
        { "incremental", "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n", DeliveryKinds.Changes, "2026-11-23", ProblemCodes.BadCursor },
        { "incremental", "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n", DeliveryKinds.Changes, "2026-11-23T03:00:00", ProblemCodes.BadCursor },
        { "incremental", "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n", DeliveryKinds.Snapshot, "2026-02-30T03:00:00Z", ProblemCodes.BadCursor },
        { "incremental", "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n", DeliveryKinds.KeySet, null, ProblemCodes.BadCsvHeader },
        { "incremental", "id\n1\n", DeliveryKinds.Changes, "2026-11-23T03:00:00Z", ProblemCodes.BadCsvHeader },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_delivery_the_list_cannot_take_is_refused_with_its_code_and_nothing_is_kept(string list, string csv, string? delivery, string? cursor, string code)
    {
        var name = list switch { "append" => _append, "incremental" => _incremental, _ => InfraFixture.TestList.Name };
        var id = SnapshotIds.New(Extracted);

        using var response = await PutAsync(name, csv, delivery, cursor, id);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        if (cursor is not null)
        {
            Assert.DoesNotContain(cursor, text, StringComparison.Ordinal); // the value sent is never echoed
        }

        Assert.Equal(0, await infra.BlobCountAsync(_container));
        Assert.Equal(0, await infra.QueuedCountAsync(_queue));
        await using var connection = await infra.Database.OpenConnectionAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM ingest.snapshots WHERE snapshot_id = @id", new { id }));
    }

    [Fact]
    public async Task An_accepted_delivery_keeps_its_kind_and_cursor_in_its_row_and_its_blob()
    {
        var id = SnapshotIds.New(Extracted);

        using var response = await PutAsync(_incremental, "id,nome,atualizado\n1,a,2026-11-23 02:59:00.123456+00\n", DeliveryKinds.Changes, "2026-11-23 02:59:00.123456+00", id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var connection = await infra.Database.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(string Kind, string Cursor, string Blob)>(
            "SELECT delivery_kind, delivery_cursor, blob_name FROM ingest.snapshots WHERE snapshot_id = @id", new { id });
        Assert.Equal((DeliveryKinds.Changes, "2026-11-23 02:59:00.123456+00"), (row.Kind, row.Cursor));
        var metadata = (await infra.Blobs.GetBlobContainerClient(_container).GetBlobClient(row.Blob).GetPropertiesAsync()).Value.Metadata;
        Assert.Equal((DeliveryKinds.Changes, "2026-11-23 02:59:00.123456+00"), (metadata["delivery"], metadata["cursor"]));

        // A key set of the same list (key columns only) is taken; a plain PUT stays a whole snapshot.
        using var keySet = await PutAsync(_incremental, "id\n1\n", DeliveryKinds.KeySet, null, SnapshotIds.New(Extracted.AddSeconds(1)));
        Assert.Equal(HttpStatusCode.Accepted, keySet.StatusCode);
        var plain = SnapshotIds.New(Extracted.AddSeconds(2));
        using var whole = await PutAsync(_incremental, "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n", null, null, plain);
        Assert.Equal(HttpStatusCode.Accepted, whole.StatusCode);
        Assert.Equal(DeliveryKinds.Snapshot, await connection.ExecuteScalarAsync<string>("SELECT delivery_kind FROM ingest.snapshots WHERE snapshot_id = @plain", new { plain }));
    }

    [Fact]
    public async Task The_same_id_and_body_sent_again_as_another_kind_or_cursor_is_a_conflict()
    {
        var id = SnapshotIds.New(Extracted);
        const string Body = "id,nome,atualizado\n1,a,2026-11-23 03:00:00+00\n";
        using var first = await PutAsync(_incremental, Body, DeliveryKinds.Changes, "2026-11-23T03:00:00Z", id);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var repeat = await PutAsync(_incremental, Body, DeliveryKinds.Changes, "2026-11-23T03:00:00Z", id);
        using var otherKind = await PutAsync(_incremental, Body, DeliveryKinds.Snapshot, "2026-11-23T03:00:00Z", id);
        using var otherCursor = await PutAsync(_incremental, Body, DeliveryKinds.Changes, "2026-11-23T04:00:00Z", id);

        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, otherKind.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, otherCursor.StatusCode);
        Assert.Equal(1, await infra.QueuedCountAsync(_queue));
    }
}
