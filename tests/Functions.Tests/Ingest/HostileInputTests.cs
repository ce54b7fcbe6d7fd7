using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>
/// Hostile and broken input over real HTTP. Every case must get its 4xx with a stable problem code, never a 5xx,
/// leave nothing behind, and the service must still accept a good upload right after.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class HostileInputTests(InfraFixture infra) : IAsyncLifetime
{
    private const string List = "pacientes_teste";
    private static readonly DateTimeOffset Extracted = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    private readonly string _container = "h" + Guid.NewGuid().ToString("N")[..12];
    private InProcessApp _app = null!;
    private string _site = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _app = await InProcessApp.StartAsync(infra,
            $"--Ingest:Queue=q{_container}", $"--Ingest:Container={_container}",
            "--Ingest:MaxCompressedBytes=300000", "--Ingest:MaxDecompressedBytes=2000000", "--Ingest:PermitsPerMinutePerSite=1000",
            "--Ingest:MinBodyRateGraceSeconds=2"); // a trickled body is refused after ~3 s instead of Kestrel's 5 s grace
        _site = await infra.NewSiteAsync();
        _token = (await SiteTokens.IssueAsync(infra.Database, _site, CancellationToken.None)).Token;
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    private HttpClient _http => _app.Http;

    private static byte[] Good(string name = "Ana") => Csv.Gzip(Csv.Rows($"1,{name},1950-01-02,t,70.5"));

    private HttpRequestMessage Put(byte[] body, string? path = null, Action<HttpRequestMessage>? tweak = null)
    {
        var request = Uploads.Put(List, SnapshotIds.New(Extracted), body, _token, Extracted);
        if (path is not null)
        {
            request.RequestUri = new Uri(path, UriKind.Relative);
        }

        tweak?.Invoke(request);
        return request;
    }

    private static void SetHeader(HttpRequestMessage request, string name, params string[] values)
    {
        var target = name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ? (HttpHeaders)request.Content!.Headers : request.Headers;
        target.Remove(name);
        foreach (var value in values)
        {
            target.TryAddWithoutValidation(name, value);
        }
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public static TheoryData<string, int, string> Cases() => new()
    {
        { "gzip-header-then-garbage", 400, "bad-gzip" },
        { "plain-text-body", 400, "bad-gzip" },
        { "decompression-bomb", 413, "too-large" },
        { "accented-rows-bomb", 413, "too-large" },
        { "compressed-over-cap", 413, "too-large" },
        { "body-truncated-in-transit", 400, "bad-digest" },
        { "gzip-truncated-with-matching-digest", 400, "bad-gzip" },
        { "wrong-digest", 400, "bad-digest" },
        { "digest-md5-only", 400, "bad-digest" },
        { "digest-not-base64", 400, "bad-digest" },
        { "digest-missing", 400, "bad-digest" },
        { "two-conflicting-digests", 400, "bad-digest" },
        { "plain-csv-without-content-encoding", 415, "unsupported-encoding" },
        { "brotli-encoding", 415, "unsupported-encoding" },
        { "deflate-encoding", 415, "unsupported-encoding" },
        { "identity-encoding", 415, "unsupported-encoding" },
        { "gzip-then-brotli-encoding", 415, "unsupported-encoding" },
        { "double-gzip-encoding", 415, "unsupported-encoding" },
        { "csv-extra-column", 400, "bad-csv-header" },
        { "csv-missing-column", 400, "bad-csv-header" },
        { "csv-renamed-column", 400, "bad-csv-header" },
        { "csv-quoted-header", 400, "bad-csv-header" },
        { "csv-columns-reordered", 400, "bad-csv-header" },
        { "csv-latin1-not-utf8", 400, "bad-encoding" },
        { "csv-huge-header-line", 400, "bad-csv-header" },
        { "empty-body", 411, "length-required" },
        { "chunked-body", 411, "length-required" },
        { "empty-gzip", 400, "bad-csv-header" },
        { "path-traversal-list", 404, "unknown-list" },
        { "encoded-slash-list", 404, "not-found" },
        { "sql-injection-list", 404, "unknown-list" },
        { "uppercase-list", 404, "unknown-list" },
        { "very-long-list-name", 404, "unknown-list" },
        { "snapshot-id-not-uuid", 400, "bad-snapshot-id" },
        { "snapshot-id-empty-uuid", 400, "bad-snapshot-id" },
        { "snapshot-id-with-braces", 400, "bad-snapshot-id" },
        { "snapshot-id-v4", 400, "bad-snapshot-id" },
        { "snapshot-id-of-another-time", 400, "bad-snapshot-id" },
        { "snapshot-id-beyond-year-9999", 400, "bad-snapshot-id" },
        { "extracted-at-missing", 400, "bad-extracted-at" },
        { "extracted-at-garbage", 400, "bad-extracted-at" },
        { "extracted-at-future", 400, "bad-extracted-at" },
        { "extracted-at-1900", 400, "bad-extracted-at" },
        { "extracted-at-without-offset", 400, "bad-extracted-at" },
        { "no-authorization", 401, "unauthorized" },
        { "basic-authorization", 401, "unauthorized" },
        { "bearer-garbage", 401, "unauthorized" },
        { "operator-token-uploads", 403, "forbidden" },
        { "revoked-token", 401, "unauthorized" },
        { "post-instead-of-put", 405, "method-not-allowed" },
        { "unknown-route", 404, "not-found" },
        { "other-sites-snapshot", 404, "unknown-snapshot" },
        { "status-bad-id", 400, "bad-snapshot-id" },
        { "same-id-other-content", 409, "snapshot-conflict" },
        { "heartbeat-oversize", 413, "too-large" },
        { "heartbeat-with-cpf", 400, "personal-data" },
        { "heartbeat-unknown-field", 400, "bad-heartbeat" },
        { "heartbeat-not-json", 400, "bad-heartbeat" },
    };

    private async Task<HttpRequestMessage> BuildAsync(string scenario)
    {
        var good = Good();
        switch (scenario)
        {
            case "gzip-header-then-garbage": return Put([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, .. Encoding.ASCII.GetBytes(new string('x', 200))]);
            case "plain-text-body": return Put(Encoding.UTF8.GetBytes(Csv.Rows("1,a,1950-01-02,t,1")));
            case "decompression-bomb": return Put(Csv.Gzip([.. Encoding.UTF8.GetBytes(Csv.TestHeader + "\n"), .. new byte[20_000_000]], System.IO.Compression.CompressionLevel.SmallestSize));
            // A client sending more than the cap should ask first (Expect: 100-continue): the 413 then arrives before
            // the body is sent, instead of racing a connection the server closes after refusing it.
            case "accented-rows-bomb":
                return Put(Csv.Gzip(Encoding.UTF8.GetBytes(Csv.Rows([.. Enumerable.Repeat("1,João Conceição Araújo,1950-01-02,t,70.5", 500_000)])), System.IO.Compression.CompressionLevel.SmallestSize));
            case "compressed-over-cap": return Put(System.Security.Cryptography.RandomNumberGenerator.GetBytes(400_000), tweak: r => r.Headers.ExpectContinue = true);
            case "body-truncated-in-transit":
            {
                var big = Csv.Gzip(Csv.Rows(Enumerable.Range(0, 500).Select(i => $"{i},nome {i},1950-01-02,t,{i}").ToArray()));
                var request = Put(big[..(big.Length / 2)]);
                SetHeader(request, WireNames.ContentDigestHeader, Csv.Digest(big));
                return request;
            }

            case "gzip-truncated-with-matching-digest":
            {
                var big = Csv.Gzip(Csv.Rows(Enumerable.Range(0, 500).Select(i => $"{i},nome {i},1950-01-02,t,{i}").ToArray()));
                return Put(big[..(big.Length - 8)]);
            }

            case "wrong-digest": return Put(good, tweak: r => SetHeader(r, WireNames.ContentDigestHeader, Csv.Digest(Good("Outra"))));
            case "digest-md5-only": return Put(good, tweak: r => SetHeader(r, WireNames.ContentDigestHeader, "md5=:kAFQmDzST7DWlj99KOF/cg==:"));
            case "digest-not-base64": return Put(good, tweak: r => SetHeader(r, WireNames.ContentDigestHeader, "sha-256=:***not base64***:"));
            case "digest-missing": return Put(good, tweak: r => SetHeader(r, WireNames.ContentDigestHeader));
            case "two-conflicting-digests": return Put(good, tweak: r => SetHeader(r, WireNames.ContentDigestHeader, Csv.Digest(good), Csv.Digest(Good("Outra"))));
            case "plain-csv-without-content-encoding": return Put(Encoding.UTF8.GetBytes(Csv.Rows("1,João,1950-01-02,t,1")), tweak: r => SetHeader(r, "Content-Encoding"));
            case "brotli-encoding": return Put(good, tweak: r => SetHeader(r, "Content-Encoding", "br"));
            case "deflate-encoding": return Put(good, tweak: r => SetHeader(r, "Content-Encoding", "deflate"));
            case "identity-encoding": return Put(good, tweak: r => SetHeader(r, "Content-Encoding", "identity"));
            case "gzip-then-brotli-encoding": return Put(good, tweak: r => SetHeader(r, "Content-Encoding", "gzip, br"));
            case "double-gzip-encoding": return Put(good, tweak: r => SetHeader(r, "Content-Encoding", "gzip", "gzip"));
            case "csv-extra-column": return Put(Csv.Gzip(Csv.TestHeader + ",extra\n1,a,1950-01-02,t,1,x\n"));
            case "csv-missing-column": return Put(Csv.Gzip("id,nome,nascimento,ativo\n1,a,1950-01-02,t\n"));
            case "csv-renamed-column": return Put(Csv.Gzip("id,nome,nascimento,ativo,weight\n1,a,1950-01-02,t,1\n"));
            case "csv-quoted-header": return Put(Csv.Gzip("\"id\",\"nome\",\"nascimento\",\"ativo\",\"peso\"\n1,a,1950-01-02,t,1\n"));
            case "csv-columns-reordered": return Put(Csv.Gzip("nome,id,nascimento,ativo,peso\na,1,1950-01-02,t,1\n"));
            case "csv-latin1-not-utf8": return Put(Csv.Gzip(Encoding.Latin1.GetBytes(Csv.Rows("1,João,1950-01-02,t,1"))));
            case "csv-huge-header-line": return Put(Csv.Gzip(new string('a', 150_000) + "\n"));
            case "empty-body": return Put([]);
            case "chunked-body": return Put(good, tweak: r => r.Headers.TransferEncodingChunked = true);
            // GZipStream writes nothing for empty input: this is a complete gzip member holding zero bytes.
            case "empty-gzip": return Put([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            case "path-traversal-list": return Put(good, path: $"/api/v1/lists/..%2E/snapshots/{Guid.CreateVersion7()}");
            case "encoded-slash-list": return Put(good, path: $"/api/v1/lists/a/b/snapshots/{Guid.CreateVersion7()}");
            case "sql-injection-list": return Put(good, path: $"/api/v1/lists/x%27%3B%20DROP%20TABLE%20ingest.sites%3B--/snapshots/{Guid.CreateVersion7()}");
            case "uppercase-list": return Put(good, path: $"/api/v1/lists/PACIENTES_TESTE/snapshots/{Guid.CreateVersion7()}");
            case "very-long-list-name": return Put(good, path: $"/api/v1/lists/{new string('a', 4000)}/snapshots/{Guid.CreateVersion7()}");
            case "snapshot-id-not-uuid": return Put(good, path: $"/api/v1/lists/{List}/snapshots/not-a-uuid");
            case "snapshot-id-empty-uuid": return Put(good, path: $"/api/v1/lists/{List}/snapshots/{Guid.Empty}");
            case "snapshot-id-with-braces": return Put(good, path: $"/api/v1/lists/{List}/snapshots/%7B{Guid.CreateVersion7()}%7D");
            case "snapshot-id-v4": return Put(good, path: ApiRoutes.SnapshotPath(List, Guid.NewGuid()));
            case "snapshot-id-of-another-time": return Put(good, path: ApiRoutes.SnapshotPath(List, SnapshotIds.New(Extracted.AddSeconds(-1))));
            case "snapshot-id-beyond-year-9999": return Put(good, path: ApiRoutes.SnapshotPath(List, Guid.Parse("ffffffff-ffff-7fff-bfff-ffffffffffff")));
            case "extracted-at-missing": return Put(good, tweak: r => SetHeader(r, WireNames.ExtractedAtHeader));
            case "extracted-at-garbage": return Put(good, tweak: r => SetHeader(r, WireNames.ExtractedAtHeader, "yesterday afternoon"));
            case "extracted-at-future": return Put(good, tweak: r => SetHeader(r, WireNames.ExtractedAtHeader, DateTimeOffset.UtcNow.AddDays(2).ToString("O")));
            case "extracted-at-1900": return Put(good, tweak: r => SetHeader(r, WireNames.ExtractedAtHeader, "1900-01-01T00:00:00Z"));
            case "extracted-at-without-offset": return Put(good, tweak: r => SetHeader(r, WireNames.ExtractedAtHeader, "2026-11-23T03:00:00"));
            case "no-authorization": return Put(good, tweak: r => r.Headers.Authorization = null);
            case "basic-authorization": return Put(good, tweak: r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz"));
            case "bearer-garbage": return Put(good, tweak: r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "pec_" + new string('%', 300)));
            case "operator-token-uploads":
            {
                var admin = (await SiteTokens.IssueAdminAsync(infra.Database, "ops", CancellationToken.None)).Token;
                return Put(good, tweak: r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin));
            }

            case "revoked-token":
            {
                var (id, token) = await SiteTokens.IssueAsync(infra.Database, _site, CancellationToken.None);
                await SiteTokens.RevokeAsync(infra.Database, id, CancellationToken.None);
                return Put(good, tweak: r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token));
            }

            case "post-instead-of-put": return Put(good, tweak: r => r.Method = HttpMethod.Post);
            case "unknown-route": return Authorized(HttpMethod.Get, "/api/v1/nothing-here", _token);
            case "other-sites-snapshot":
            {
                var other = await infra.NewSiteAsync();
                var otherToken = (await SiteTokens.IssueAsync(infra.Database, other, CancellationToken.None)).Token;
                var id = SnapshotIds.New(Extracted);
                using var put = Uploads.Put(List, id, Good(), otherToken, Extracted);
                using var accepted = await _http.SendAsync(put);
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
                return Authorized(HttpMethod.Get, $"/api/v1/snapshots/{id}", _token);
            }

            case "status-bad-id": return Authorized(HttpMethod.Get, "/api/v1/snapshots/1%20OR%201=1", _token);
            case "same-id-other-content":
            {
                var id = SnapshotIds.New(Extracted);
                using var first = await _http.SendAsync(Uploads.Put(List, id, Good("Primeira"), _token, Extracted));
                Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
                return Uploads.Put(List, id, Good("Segunda"), _token, Extracted);
            }

            case "heartbeat-oversize": return Authorized(HttpMethod.Post, "/api/v1/heartbeats", _token, new StringContent(new string(' ', 40_000) + "{}", Encoding.UTF8, "application/json"));
            case "heartbeat-with-cpf": return Authorized(HttpMethod.Post, "/api/v1/heartbeats", _token, new StringContent("""{"kind":"run","uploaderVersion":"0.1.0","os":"linux","sentAt":"2026-11-24T02:00:00Z","errorCode":"52998224725"}""", Encoding.UTF8, "application/json"));
            case "heartbeat-unknown-field": return Authorized(HttpMethod.Post, "/api/v1/heartbeats", _token, new StringContent("""{"kind":"run","uploaderVersion":"0.1.0","os":"linux","sentAt":"2026-11-24T02:00:00Z","paciente":"x"}""", Encoding.UTF8, "application/json"));
            case "heartbeat-not-json": return Authorized(HttpMethod.Post, "/api/v1/heartbeats", _token, new StringContent("<xml/>", Encoding.UTF8, "application/json"));
            default: throw new ArgumentOutOfRangeException(nameof(scenario), scenario);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_input_gets_its_4xx_code_and_the_service_stays_healthy(string scenario, int status, string code)
    {
        using var request = await BuildAsync(scenario);
        var blobsBefore = await BlobCountAsync();

        using var response = await _http.SendAsync(request);

        Assert.True((int)response.StatusCode < 500, $"{scenario}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        }

        Assert.Equal(blobsBefore, await BlobCountAsync()); // a refused upload leaves no blob behind

        using var good = await _http.SendAsync(Uploads.Put(List, SnapshotIds.New(Extracted), Good(), _token, Extracted));
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
    }

    public static TheoryData<string, int, string> FramingCases() => new()
    {
        { "heartbeat-bad-chunk-framing", 400, "bad-request-body" },
        { "put-bad-chunk-framing", 411, "length-required" },
        { "heartbeat-256mib-chunked", 413, "too-large" },
        { "put-256mib-chunked", 411, "length-required" },
        { "put-1mib-trickled", 413, "too-large" },
        { "put-200kb-trickled", 408, "request-timeout" },
        { "heartbeat-trickled", 408, "request-timeout" },
    };

    /// <summary>Framings HttpClient cannot produce, over a raw socket; Kestrel's BadHttpRequestException must not become a 500.</summary>
    [Theory]
    [MemberData(nameof(FramingCases))]
    public async Task Hostile_framing_gets_its_4xx_code_and_the_service_stays_healthy(string scenario, int status, string code)
    {
        var put = $"""
            PUT /api/v1/lists/{List}/snapshots/{SnapshotIds.New(Extracted)} HTTP/1.1
            Host: 127.0.0.1
            Authorization: Bearer {_token}
            Content-Type: text/csv
            Content-Encoding: gzip
            {WireNames.ContentDigestHeader}: {Csv.Digest(Good())}
            {WireNames.ExtractedAtHeader}: {Extracted:O}
            """;
        var heartbeat = $"""
            POST /api/v1/heartbeats HTTP/1.1
            Host: 127.0.0.1
            Authorization: Bearer {_token}
            Content-Type: application/json
            """;
        var (head, body) = scenario switch
        {
            "heartbeat-bad-chunk-framing" => (heartbeat + "\r\nTransfer-Encoding: chunked", Text("zz\r\n{}\r\n0\r\n\r\n")),
            "put-bad-chunk-framing" => (put + "\r\nTransfer-Encoding: chunked", Text("zz\r\nxx\r\n0\r\n\r\n")),
            "heartbeat-256mib-chunked" => (heartbeat + "\r\nTransfer-Encoding: chunked", Chunked(256L << 20)),
            "put-256mib-chunked" => (put + "\r\nTransfer-Encoding: chunked", Chunked(256L << 20)),
            "put-1mib-trickled" => (put + "\r\nContent-Length: 1048576", Trickle()),
            "put-200kb-trickled" => (put + "\r\nContent-Length: 200000", Trickle()),
            "heartbeat-trickled" => (heartbeat + "\r\nContent-Length: 2000", Trickle()),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario),
        };
        var blobsBefore = await BlobCountAsync();

        var response = await RawHttp.SendAsync(_http.BaseAddress!, head.ReplaceLineEndings("\r\n"), body, TimeSpan.FromSeconds(30));

        Assert.True(response.Status < 500, $"{scenario}: {response.Status} {response.Body}");
        Assert.Equal(status, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        using (var problem = JsonDocument.Parse(response.Body))
        {
            Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        }

        Assert.Equal(blobsBefore, await BlobCountAsync());
        using var good = await _http.SendAsync(Uploads.Put(List, SnapshotIds.New(Extracted), Good(), _token, Extracted));
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
    }

    private static Func<Stream, CancellationToken, Task> Text(string body) =>
        (stream, ct) => stream.WriteAsync(Encoding.ASCII.GetBytes(body), ct).AsTask();

    private static Func<Stream, CancellationToken, Task> Chunked(long total) => async (stream, ct) =>
    {
        var chunk = new byte[1 << 16];
        var frame = Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
        for (long sent = 0; sent < total; sent += chunk.Length)
        {
            await stream.WriteAsync(frame, ct);
            await stream.WriteAsync(chunk, ct);
            await stream.WriteAsync("\r\n"u8.ToArray(), ct);
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
    };

    /// <summary>One byte every 50 ms (20 B/s, under Kestrel's 240 B/s minimum) until the server gives up.</summary>
    private static Func<Stream, CancellationToken, Task> Trickle() => async (stream, ct) =>
    {
        while (!ct.IsCancellationRequested)
        {
            await stream.WriteAsync(new byte[] { 0x1f }, ct);
            await Task.Delay(50, ct);
        }
    };

    private Task<int> BlobCountAsync() => infra.BlobCountAsync(_container);
}
