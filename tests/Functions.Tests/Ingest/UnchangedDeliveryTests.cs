using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>
/// Unchanged deliveries against the real handler, loader and PostgreSQL (ADR 0024): the digest the backend computes from
/// the central rows equals the edge's for every column type, and POST .../unchanged is honoured only when the backend
/// holds those rows, with a stable refusal (and reason) otherwise.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class UnchangedDeliveryTests(InfraFixture infra) : IAsyncLifetime
{
    private readonly string _queue = "q" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = "c" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private InProcessApp _app = null!;
    private string _site = null!;
    private string _token = null!;
    private ListCatalog _catalog = null!;

    private static readonly ListColumnDto[] EveryType =
    [
        new("id", "bigint"), new("nome", "text"), new("apelido", "varchar(20)"), new("uf", "char(4)"), new("idade", "smallint"),
        new("visitas", "integer"), new("vivo", "boolean"), new("nascimento", "date"), new("consulta", "timestamp"),
        new("registro", "timestamptz"), new("peso", "numeric"), new("altura", "numeric(6,2)"), new("imc", "real"),
        new("pressao", "double precision"), new("dt_extracao", "timestamptz", Compare: false),
    ];

    private static readonly string?[][] EveryTypeRows =
    [
        ["1", "João da Conceição", "Joca", "PE", "42", "7", "true", "1984-02-29", "2026-11-30 08:15:00.25", "2026-11-30 08:15:00.123456-03", "70.50", "1.7", "24.221453", "120.5", "2026-12-01 03:00:00-03"],
        ["2", "Ana \"Aninha\", de Souza\nsegunda linha", "", "SP  ", "-1", "0", "f", "2000-01-01", "2026-01-01T00:00:00", "2026-06-01T12:00:00Z", "-0.00", "0.5", "-0", "NaN", "2026-12-01 03:00:00-03"],
        ["3", null, null, null, null, null, null, null, null, null, null, null, null, null, null],
        ["4", "Ação", "ç", "RJ", "32767", "2147483647", "yes", "1900-12-31", "1999-12-31 23:59:59.999999", "1900-01-01 00:00:00-03:06:28", "123456789012345678901234567890.000100", "9999.99", "Infinity", "1e-300", "2026-12-01 03:00:00-03"],
    ];

    public async Task InitializeAsync()
    {
        _app = await InProcessApp.StartAsync(infra, services => services.AddSingleton<TimeProvider>(_clock), $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}");
        _site = await infra.NewSiteAsync();
        _token = (await SiteTokens.IssueAsync(infra.Database, _site, CancellationToken.None)).Token;
        _catalog = new ListCatalog(infra.Database, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _catalog.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_digest_the_backend_computes_from_central_rows_equals_the_edge_digest_for_every_column_type()
    {
        var list = await PublishAsync("tipos", EveryType);

        var loaded = await SendAndLoadAsync(list, Csv(EveryType, EveryTypeRows), _clock.GetUtcNow().AddHours(-3));
        Assert.Equal(SnapshotStatuses.Loaded, loaded.Status);

        var held = await HeldAsync(list);
        var edge = EdgeDigest(EveryType, EveryTypeRows);
        Assert.Equal((4L, edge.Value), (held.Rows, held.Digest));

        // And the unchanged delivery the edge would send is honoured, however the extraction-time column differs.
        var answer = await PostUnchangedAsync(list, _clock.GetUtcNow().AddMinutes(-1), new UnchangedDeliveryDto(1, edge.Rows, edge.Value));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task An_unchanged_delivery_matching_the_held_digest_is_recorded_loaded_with_no_blob_no_queue_message_and_no_write()
    {
        var list = await PublishAsync("hiper", Small);
        await SendAndLoadAsync(list, SmallCsv, _clock.GetUtcNow().AddHours(-3));
        var blobs = await infra.BlobCountAsync(_container);
        var queued = await infra.QueuedCountAsync(_queue);
        var xmins = await XminsAsync(list);

        var extractedAt = Millis(_clock.GetUtcNow().AddMinutes(-1));
        var id = SnapshotIds.New(extractedAt);
        using var answer = await PostUnchangedAsync(list, extractedAt, SmallClaim, id);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(SnapshotStatuses.Loaded, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var status = await new SnapshotLedger(infra.Database).ReadStatusAsync(id, CancellationToken.None);
        Assert.Equal((SnapshotStatuses.Loaded, DeliveryKinds.Unchanged, new SnapshotRowCounts(0, 0, 0, 2)), (status!.Status, status.Delivery, status.Rows));
        Assert.Equal((blobs, queued), (await infra.BlobCountAsync(_container), await infra.QueuedCountAsync(_queue)));
        Assert.Equal(xmins, await XminsAsync(list));

        // The fleet view shows it as such.
        var fleet = await new SnapshotLedger(infra.Database).ReadFleetAsync(new FleetOptions(), DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal((SnapshotStatuses.Loaded, DeliveryKinds.Unchanged), fleet.Where(s => s.Ibge == _site).Select(s => (s.LastSnapshotStatus, s.LastSnapshotDelivery)).Single());

        // A repeat whose answer was lost is answered the same, and records nothing twice.
        using var repeat = await PostUnchangedAsync(list, extractedAt, SmallClaim, id);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
    }

    [Fact]
    public async Task Nothing_held_another_digest_another_version_or_a_pending_delivery_is_refused_with_its_reason()
    {
        var list = await PublishAsync("recusa", Small);
        await AssertRefusedAsync(list, SmallClaim, FullDeliveryReasons.NothingHeld);

        await SendAndLoadAsync(list, SmallCsv, _clock.GetUtcNow().AddHours(-3));
        await AssertRefusedAsync(list, SmallClaim with { RowsDigest = EdgeDigest(Small, [["1", "Maria"], ["2", "José Silva"]]).Value }, FullDeliveryReasons.DigestDiffers);
        await AssertRefusedAsync(list, SmallClaim with { Rows = 3 }, FullDeliveryReasons.DigestDiffers);
        await AssertRefusedAsync(list, SmallClaim with { ListVersion = 2 }, FullDeliveryReasons.VersionDiffers);

        // A full delivery waiting in the queue would be skipped as older if an unchanged one were recorded after it.
        await SendAsync(list, SmallCsv, _clock.GetUtcNow().AddHours(-2));
        await AssertRefusedAsync(list, SmallClaim, FullDeliveryReasons.PairBusy);
    }

    [Fact]
    public async Task Once_the_last_full_delivery_is_a_week_old_an_unchanged_one_is_refused_as_full_due()
    {
        var list = await PublishAsync("semanal", Small);
        await SendAndLoadAsync(list, SmallCsv, _clock.GetUtcNow().AddHours(-3));
        using (var honoured = await PostUnchangedAsync(list, _clock.GetUtcNow().AddMinutes(-1), SmallClaim))
        {
            Assert.Equal(HttpStatusCode.OK, honoured.StatusCode);
        }

        _clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(5)); // the clock started before the full delivery arrived

        await AssertRefusedAsync(list, SmallClaim, FullDeliveryReasons.FullDue);
    }

    [Fact]
    public async Task Central_rows_emptied_behind_the_backend_are_detected_and_the_held_digest_is_dropped()
    {
        var list = await PublishAsync("restaurado", Small);
        await SendAndLoadAsync(list, SmallCsv, _clock.GetUtcNow().AddHours(-3));
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"DELETE FROM lists.{list} WHERE site_id = @site", new { site = _site });
        }

        await AssertRefusedAsync(list, SmallClaim, FullDeliveryReasons.CentralDiffers);
        await AssertRefusedAsync(list, SmallClaim, FullDeliveryReasons.NothingHeld);

        // The full delivery that follows loads the rows back and holds their digest again.
        await SendAndLoadAsync(list, SmallCsv, _clock.GetUtcNow().AddMinutes(-30));
        Assert.Equal((2L, SmallClaim.RowsDigest), await HeldAsync(list));
    }

    [Fact]
    public async Task A_truncated_table_with_the_same_count_is_detected_by_its_file_node()
    {
        var list = await PublishAsync("truncado", Small);
        await SendAndLoadAsync(list, SmallCsv, _clock.GetUtcNow().AddHours(-3));
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            // A restore of the table from a dump: the same rows, a new file; another site's held digest would go too.
            await connection.ExecuteAsync($"CREATE TEMP TABLE saved AS SELECT * FROM lists.{list}; TRUNCATE lists.{list}; INSERT INTO lists.{list} SELECT * FROM saved;");
        }

        await AssertRefusedAsync(list, SmallClaim, FullDeliveryReasons.CentralDiffers);
    }

    [Fact]
    public async Task A_malformed_claim_is_a_bad_unchanged_delivery()
    {
        var list = await PublishAsync("malformado", Small);

        using var answer = await PostUnchangedAsync(list, _clock.GetUtcNow().AddMinutes(-1), SmallClaim with { RowsDigest = "sha-256=:x:" });

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(ProblemCodes.BadUnchangedDelivery, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    private static readonly ListColumnDto[] Small = [new("id", "bigint"), new("nome", "text"), new("dt_extracao", "timestamptz", Compare: false)];

    private static readonly string SmallCsv = "id,nome,dt_extracao\n1,Maria,2026-12-01 03:00:00-03\n2,José,2026-12-01 03:00:00-03\n";

    private static readonly UnchangedDeliveryDto SmallClaim = new(1, 2, EdgeDigest(Small, [["1", "Maria"], ["2", "José"]]).Value);

    /// <summary>The edge's digest computed here from the values, through the contract alone.</summary>
    private static RowsDigest EdgeDigest(IReadOnlyList<ListColumnDto> columns, string?[][] rows)
    {
        var compared = columns.Select((c, i) => (Column: c, Index: i)).Where(c => c.Column.Compare || c.Column.Name == "id").ToList();
        var digest = new RowsDigest();
        foreach (var row in rows)
        {
            digest.Add([.. compared.Select(c => RowsDigest.Canonical(RowsDigest.KindOf(c.Column.Type), c.Index < row.Length ? row[c.Index] : null))]);
        }

        return digest;
    }

    private static string Csv(IReadOnlyList<ListColumnDto> columns, string?[][] rows)
    {
        var text = new StringBuilder(string.Join(',', columns.Select(c => c.Name))).Append('\n');
        foreach (var row in rows)
        {
            text.Append(string.Join(',', row.Select(v => v is null ? string.Empty : "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""))).Append('\n');
        }

        return text.ToString();
    }

    private static DateTimeOffset Millis(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    private async Task<string> PublishAsync(string prefix, IReadOnlyList<ListColumnDto> columns)
    {
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";
        await ListPublisher.PublishAsync(infra.Database, new ListDefinition(name, 1, "test", "SELECT 1", columns, ["id"]), activate: true, CancellationToken.None);
        _app.App.Services.GetRequiredService<ListCatalog>().Invalidate();
        return name;
    }

    private async Task<Guid> SendAsync(string list, string csv, DateTimeOffset extractedAt)
    {
        var id = SnapshotIds.New(Millis(extractedAt));
        using var response = await _app.Http.SendAsync(Uploads.Put(list, id, Infrastructure.Csv.Gzip(csv), _token, Millis(extractedAt)));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return id;
    }

    private async Task<LoadResult> SendAndLoadAsync(string list, string csv, DateTimeOffset extractedAt)
    {
        var id = await SendAsync(list, csv, extractedAt);
        var result = await new SnapshotLoader(
                infra.Database, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = _container })), _catalog,
                Options.Create(new LoadOptions { LockTimeoutSeconds = 5 }), NullLogger<SnapshotLoader>.Instance)
            .LoadAsync(new LoadMessage(id, _site, list, "not/this/blob", extractedAt), CancellationToken.None);
        Assert.Equal(SnapshotStatuses.Loaded, result.Status);
        return result;
    }

    private async Task<HttpResponseMessage> PostUnchangedAsync(string list, DateTimeOffset extractedAt, UnchangedDeliveryDto claim, Guid? id = null)
    {
        extractedAt = Millis(extractedAt);
        var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.UnchangedDeliveryPath(list, id ?? SnapshotIds.New(extractedAt)))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(claim, ContractsJsonContext.Default.UnchangedDeliveryDto)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Add(WireNames.ExtractedAtHeader, SnapshotUploadRequest.FormatExtractedAt(extractedAt));
        return await _app.Http.SendAsync(request);
    }

    private async Task AssertRefusedAsync(string list, UnchangedDeliveryDto claim, string reason)
    {
        using var answer = await PostUnchangedAsync(list, _clock.GetUtcNow().AddMinutes(-1), claim);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.Conflict, text);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal(
            (HttpStatusCode.Conflict, ProblemCodes.FullDeliveryRequired, reason),
            (answer.StatusCode, problem.GetProperty("code").GetString(), problem.GetProperty("reason").GetString()));
    }

    private async Task<(long Rows, string Digest)> HeldAsync(string list)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, string)>(
            "SELECT rows, rows_digest FROM ingest.held_digests WHERE site_id = @site AND list_name = @list", new { site = _site, list });
    }

    private async Task<List<string>> XminsAsync(string list)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return [.. await connection.QueryAsync<string>($"SELECT id || ':' || xmin::text FROM lists.{list} WHERE site_id = @site ORDER BY id", new { site = _site })];
    }
}
