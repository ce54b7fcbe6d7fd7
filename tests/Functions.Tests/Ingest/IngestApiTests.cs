using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using PecLists.Functions.Loading;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>The HTTP contract over a real socket, with the real central database and Azurite behind it.</summary>
[Collection(InfraCollection.Name)]
public sealed class IngestApiTests(InfraFixture infra) : IAsyncLifetime
{
    private readonly string _queue = "q" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = "c" + Guid.NewGuid().ToString("N")[..12];
    private InProcessApp _app = null!;
    private string _site = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _app = await InProcessApp.StartAsync(infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}");
        _site = await infra.NewSiteAsync();
        _token = (await SiteTokens.IssueAsync(infra.Database, _site, CancellationToken.None)).Token;
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    private static readonly DateTimeOffset Extracted = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private HttpClient _http => _app.Http;

    private HttpRequestMessage Put(byte[] body, Guid? id = null, string list = "pacientes_teste", string? digest = null, string? token = null, Action<HttpRequestMessage>? tweak = null)
    {
        var request = Uploads.Put(list, id ?? SnapshotIds.New(Extracted), body, token ?? _token, Extracted);
        if (digest is not null)
        {
            request.Content!.Headers.Remove(WireNames.ContentDigestHeader);
            request.Content.Headers.Add(WireNames.ContentDigestHeader, digest);
        }

        tweak?.Invoke(request);
        return request;
    }

    private static byte[] GoodBody(string name = "Ana") => Csv.Gzip(Csv.Rows($"1,{name},1950-01-02,t,70.5"));

    private Task<int> QueuedMessagesAsync() => infra.QueuedCountAsync(_queue);

    private Task<int> BlobsAsync() => infra.BlobCountAsync(_container);

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_good_snapshot_is_stored_queued_and_answered_202_with_its_status_url()
    {
        var id = SnapshotIds.New(Extracted);
        var body = GoodBody();

        using var response = await _http.SendAsync(Put(body, id));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/v1/snapshots/{id}", response.Headers.Location?.ToString());
        var blob = infra.Blobs.GetBlobContainerClient(_container).GetBlobClient(SnapshotStore.BlobName(_site, "pacientes_teste", new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero), id));
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(Csv.Digest(body), properties.Metadata["digest"]);
        Assert.Equal(body, (await blob.DownloadContentAsync()).Value.Content.ToArray());

        var message = Assert.Single((await infra.Queues.GetQueueClient(_queue).PeekMessagesAsync(32)).Value);
        var reference = LoadMessage.TryParse(message.Body.ToString());
        Assert.Equal((id, _site, "pacientes_teste", blob.Name), (reference!.SnapshotId, reference.Site, reference.List, reference.Blob));

        using var status = new HttpRequestMessage(HttpMethod.Get, response.Headers.Location);
        status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        using var statusResponse = await _http.SendAsync(status);
        var dto = await statusResponse.Content.ReadFromJsonAsync<SnapshotStatusDto>();
        Assert.Equal(SnapshotStatuses.Queued, dto!.Status);
        Assert.Equal(_site, dto.Site);
    }

    [Fact]
    public async Task A_gzip_body_without_content_encoding_is_accepted_as_the_functions_host_forwards_it()
    {
        // The host copies headers with TryAddWithoutValidation, which drops content headers such as Content-Encoding.
        var id = SnapshotIds.New(Extracted);

        using var response = await _http.SendAsync(Put(GoodBody(), id, tweak: r => r.Content!.Headers.ContentEncoding.Clear()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await BlobsAsync());
        Assert.Equal(1, await QueuedMessagesAsync());
    }

    [Fact]
    public async Task Repeating_a_put_answers_the_same_and_queues_nothing_twice()
    {
        var id = SnapshotIds.New(Extracted);
        var body = GoodBody();
        using var first = await _http.SendAsync(Put(body, id));

        using var second = await _http.SendAsync(Put(body, id));

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await QueuedMessagesAsync());
        Assert.Equal(1, await BlobsAsync());
    }

    [Fact]
    public async Task Concurrent_puts_of_one_snapshot_queue_it_once()
    {
        var id = SnapshotIds.New(Extracted);
        var body = GoodBody();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await _http.SendAsync(Put(body, id));
            return response.StatusCode;
        }));

        Assert.All(responses, status => Assert.Equal(HttpStatusCode.Accepted, status));
        Assert.Equal(1, await QueuedMessagesAsync());
        Assert.Equal(1, await BlobsAsync());
    }

    [Fact]
    public async Task A_snapshot_whose_first_request_died_before_queueing_is_queued_by_the_repeat_once_the_claim_is_stale()
    {
        var id = SnapshotIds.New(Extracted);
        var body = GoodBody();
        using (var first = await _http.SendAsync(Put(body, id)))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        // As if the first request had died between recording the snapshot and queueing it, 3 minutes ago.
        await infra.Queues.GetQueueClient(_queue).ClearMessagesAsync();
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection,
                "UPDATE ingest.snapshots SET status = 'received', queue_claimed_at = now() - interval '3 minutes' WHERE snapshot_id = @id", new { id });
        }

        using var repeat = await _http.SendAsync(Put(body, id));
        using var again = await _http.SendAsync(Put(body, id));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (repeat.StatusCode, again.StatusCode));
        Assert.Equal(1, await QueuedMessagesAsync());
        await using var check = await infra.Database.OpenConnectionAsync();
        Assert.Equal(SnapshotStatuses.Queued, await Dapper.SqlMapper.ExecuteScalarAsync<string>(check, "SELECT status FROM ingest.snapshots WHERE snapshot_id = @id", new { id }));
    }

    [Fact]
    public async Task The_same_id_with_other_content_is_a_conflict()
    {
        var id = SnapshotIds.New(Extracted);
        using var first = await _http.SendAsync(Put(GoodBody("Ana"), id));

        using var second = await _http.SendAsync(Put(GoodBody("Outra"), id));

        await AssertProblem(second, HttpStatusCode.Conflict, "snapshot-conflict");
        Assert.Equal(1, await QueuedMessagesAsync());
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests() => new()
    {
        { "wrong-digest", HttpStatusCode.BadRequest, "bad-digest" },
        { "no-digest", HttpStatusCode.BadRequest, "bad-digest" },
        { "unknown-list", HttpStatusCode.NotFound, "unknown-list" },
        { "injection-list", HttpStatusCode.NotFound, "unknown-list" },
        { "bad-id", HttpStatusCode.BadRequest, "bad-snapshot-id" },
        { "no-encoding-plain-csv", HttpStatusCode.UnsupportedMediaType, "unsupported-encoding" },
        { "deflate-encoding", HttpStatusCode.UnsupportedMediaType, "unsupported-encoding" },
        { "no-content-length", HttpStatusCode.LengthRequired, "length-required" },
        { "bad-header", HttpStatusCode.BadRequest, "bad-csv-header" },
        { "not-gzip", HttpStatusCode.BadRequest, "bad-gzip" },
        { "no-extracted-at", HttpStatusCode.BadRequest, "bad-extracted-at" },
        { "future-extracted-at", HttpStatusCode.BadRequest, "bad-extracted-at" },
        { "no-offset-extracted-at", HttpStatusCode.BadRequest, "bad-extracted-at" },
        { "no-token", HttpStatusCode.Unauthorized, "unauthorized" },
        { "unknown-token", HttpStatusCode.Unauthorized, "unauthorized" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_uploads_get_a_problem_with_a_stable_code_and_leave_nothing_behind(string scenario, HttpStatusCode status, string code)
    {
        var body = GoodBody();
        var request = scenario switch
        {
            "wrong-digest" => Put(body, digest: Csv.Digest(GoodBody("Outra"))),
            "no-digest" => Put(body, tweak: r => r.Content!.Headers.Remove(WireNames.ContentDigestHeader)),
            "unknown-list" => Put(body, list: "nao_existe"),
            "injection-list" => Put(body, list: "x%27%3B%20DROP%20TABLE%20ingest.sites%3B--"),
            "bad-id" => new HttpRequestMessage(HttpMethod.Put, "/api/v1/lists/pacientes_teste/snapshots/not-a-uuid") { Content = Put(body).Content },
            "no-encoding-plain-csv" => Put(System.Text.Encoding.UTF8.GetBytes(Csv.Rows("1,Ana,1950-01-02,t,70.5")), tweak: r => r.Content!.Headers.ContentEncoding.Clear()),
            "deflate-encoding" => Put(body, tweak: r => { r.Content!.Headers.ContentEncoding.Clear(); r.Content.Headers.ContentEncoding.Add("deflate"); }),
            "no-content-length" => Put(body, tweak: r => r.Headers.TransferEncodingChunked = true),
            "bad-header" => Put(Csv.Gzip("id,nome\n1,a\n")),
            "not-gzip" => Put("plain text, not gzip"u8.ToArray()),
            "no-extracted-at" => Put(body, tweak: r => r.Headers.Remove(WireNames.ExtractedAtHeader)),
            "future-extracted-at" => Put(body, tweak: r => { r.Headers.Remove(WireNames.ExtractedAtHeader); r.Headers.Add(WireNames.ExtractedAtHeader, "2099-01-01T00:00:00Z"); }),
            "no-offset-extracted-at" => Put(body, tweak: r => { r.Headers.Remove(WireNames.ExtractedAtHeader); r.Headers.Add(WireNames.ExtractedAtHeader, "2026-11-23T03:00:00"); }),
            "no-token" => Put(body, tweak: r => r.Headers.Authorization = null),
            "unknown-token" => Put(body, token: "pec_" + new string('x', 43)),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };
        if (scenario == "bad-id")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            request.Headers.Add(WireNames.ExtractedAtHeader, "2026-11-23T03:00:00Z");
        }

        using var response = await _http.SendAsync(request);

        await AssertProblem(response, status, code);
        Assert.Equal(0, await BlobsAsync());
        Assert.Equal(0, await QueuedMessagesAsync());

        using var good = await _http.SendAsync(Put(GoodBody()));
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once_by_an_instance_that_does_not_remember_it()
    {
        // Instances remember a live site token for Ingest:TokenCacheSeconds (docs/adr/0011); with that off, a token
        // revoked straight in the database (as the command line does) is refused on its next request.
        await using var app = await InProcessApp.StartAsync(infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}", "--Ingest:TokenCacheSeconds=0");
        var (tokenId, token) = await SiteTokens.IssueAsync(infra.Database, _site, CancellationToken.None);
        using (var before = await app.Http.SendAsync(Put(GoodBody(), token: token)))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        Assert.True(await SiteTokens.RevokeAsync(infra.Database, tokenId, CancellationToken.None));

        using var after = await app.Http.SendAsync(Put(GoodBody(), token: token));
        await AssertProblem(after, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Another_sites_snapshot_is_not_disclosed()
    {
        var id = SnapshotIds.New(Extracted);
        using var put = await _http.SendAsync(Put(GoodBody(), id));
        var otherSite = await infra.NewSiteAsync();
        var otherToken = (await SiteTokens.IssueAsync(infra.Database, otherSite, CancellationToken.None)).Token;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/snapshots/{id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", otherToken);
        using var response = await _http.SendAsync(request);

        await AssertProblem(response, HttpStatusCode.NotFound, "unknown-snapshot");
    }

    [Fact]
    public async Task List_definitions_carry_an_etag_and_answer_304_when_unchanged()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/lists");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        using var response = await _http.SendAsync(request);
        var catalog = await response.Content.ReadFromJsonAsync<ListCatalogDto>();
        var list = Assert.Single(catalog!.Lists, l => l.Name == "pacientes_teste");
        Assert.Equal(["id"], list.Key);
        Assert.Equal(5, list.Columns.Count);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/lists");
        again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await _http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    private async Task<HttpResponseMessage> ReplayAsync(string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/replay") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task Admin_operations_refuse_site_tokens_and_accept_operator_tokens()
    {
        using var asSite = await ReplayAsync(_token, new { source = "blobs", dryRun = true });
        await AssertProblem(asSite, HttpStatusCode.Forbidden, "forbidden");

        var (_, adminToken) = await SiteTokens.IssueAdminAsync(infra.Database, "ops", CancellationToken.None);
        using var put = await _http.SendAsync(Put(GoodBody()));
        using var asAdmin = await ReplayAsync(adminToken, new { source = "blobs", site = _site, dryRun = true });

        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        using var report = JsonDocument.Parse(await asAdmin.Content.ReadAsStringAsync());
        Assert.Equal(0, report.RootElement.GetProperty("replayed").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(1, await QueuedMessagesAsync()); // a dry run queues nothing

        using var badSource = await ReplayAsync(adminToken, new { source = "everything" });
        await AssertProblem(badSource, HttpStatusCode.BadRequest, "bad-replay-source");

        // An operator token is not a site: it cannot upload.
        using var adminPut = await _http.SendAsync(Put(GoodBody(), token: adminToken));
        await AssertProblem(adminPut, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_root_answers_at_once_for_the_host_readiness_probe()
    {
        using var response = await _http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
