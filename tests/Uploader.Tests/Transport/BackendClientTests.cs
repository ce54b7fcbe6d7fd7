using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;
using LocalInfra;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

public sealed class BackendClientTests : IDisposable
{
    private const string Token = "tok-2304400-secret";
    private const string Csv = "id_cidadao,no_cidadao\n1,João da Conceição\n2,\"Silva, Maria\"\n";

    // Sub-millisecond part on purpose: the wire carries milliseconds.
    private static readonly DateTimeOffset ExtractedAt = new DateTimeOffset(2025, 7, 1, 10, 30, 15, 123, TimeSpan.Zero).AddTicks(4_567);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static UploadConfig Fast(int maxAttempts = 3, double attemptTimeoutSeconds = 10) => new()
    {
        MaxAttempts = maxAttempts,
        FirstRetryDelaySeconds = 0.05,
        AttemptTimeoutSeconds = attemptTimeoutSeconds,
    };

    private Task<SpooledSnapshot> SpoolSnapshotAsync() =>
        new Spool(_dir.Combine("spool")).WriteAsync("2304400", "hipertensos", SnapshotIds.New(ExtractedAt), async s => await s.WriteAsync(Gzip.Compress(Csv)));

    private static IEnumerable<ReceivedRequest> Puts(StubBackend stub) => stub.Requests.Where(r => r.Method == "PUT");

    [Fact]
    public async Task Upload_progress_counts_every_byte_and_keeps_the_content_length()
    {
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status202Accepted));
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast());
        var reports = new List<(long Sent, long Total)>();

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None, (sent, total) => reports.Add((sent, total)));

        Assert.Equal(UploadOutcome.Accepted, result.Outcome);
        var request = Assert.Single(stub.Requests);
        var length = new FileInfo(snapshot.Path).Length;
        Assert.Equal(await File.ReadAllBytesAsync(snapshot.Path), request.Body);
        Assert.Equal(length.ToString(CultureInfo.InvariantCulture), request.Header("Content-Length")); // not chunked
        Assert.Null(request.Header("Transfer-Encoding"));
        Assert.Equal((length, length), reports[^1]);
        Assert.All(reports, r => Assert.Equal(length, r.Total));
    }

    [Fact]
    public async Task Upload_sends_gzip_body_with_digest_extraction_time_token_and_user_agent()
    {
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status202Accepted));
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast());

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Accepted, result.Outcome);
        Assert.Equal(HttpStatusCode.Accepted, result.Status);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal($"/api/v1/lists/hipertensos/snapshots/{snapshot.SnapshotId:D}", request.Path);

        // The body is the spooled gzip file, byte for byte, still compressed on the wire.
        Assert.Equal(await File.ReadAllBytesAsync(snapshot.Path), request.Body);
        Assert.Equal("gzip", request.Header("Content-Encoding"));
        Assert.Equal(Csv, Gzip.Decompress(request.Body));
        Assert.StartsWith("text/csv", request.Header("Content-Type"), StringComparison.Ordinal);

        // Content-Digest matches what the server actually received.
        Assert.True(ContentDigest.TryParseSha256(request.Header("Content-Digest"), out var digest), request.Header("Content-Digest"));
        Assert.Equal(SHA256.HashData(request.Body), digest);

        // X-Extracted-At is the UUIDv7's timestamp (milliseconds).
        var extractedAt = DateTimeOffset.Parse(request.Header("X-Extracted-At")!, CultureInfo.InvariantCulture, DateTimeStyles.None);
        Assert.Equal(SnapshotIds.Timestamp(snapshot.SnapshotId), extractedAt);
        Assert.Equal(ExtractedAt.ToUnixTimeMilliseconds(), extractedAt.ToUnixTimeMilliseconds());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$", request.Header("X-Extracted-At"));

        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
        var userAgent = Assert.IsType<string>(request.Header("User-Agent"));
        var match = Regex.Match(userAgent, @"^uploader/(\d+\.\d+\.\d+) \((linux|windows)\)$");
        Assert.True(match.Success, userAgent);
        Assert.Equal(typeof(BackendClient).Assembly.GetName().Version!.ToString(3), match.Groups[1].Value);
    }

    [Fact]
    public async Task Service_unavailable_then_accepted_is_accepted_after_a_retry_with_the_same_body()
    {
        await using var stub = await StubBackend.StartAsync((c, r) =>
            StubBackend.Status(c, r.Number == 1 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status202Accepted));
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast(maxAttempts: 3));

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Accepted, result.Outcome);
        var requests = stub.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal($"/api/v1/lists/hipertensos/snapshots/{snapshot.SnapshotId:D}", r.Path));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(await File.ReadAllBytesAsync(snapshot.Path), requests[1].Body);
        Assert.Equal(requests[0].Header("Content-Digest"), requests[1].Header("Content-Digest"));
    }

    [Fact]
    public async Task Too_many_requests_with_retry_after_is_honoured()
    {
        await using var stub = await StubBackend.StartAsync((c, r) => r.Number == 1
            ? StubBackend.Status(c, StatusCodes.Status429TooManyRequests, retryAfter: "1")
            : StubBackend.Status(c, StatusCodes.Status202Accepted));
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast(maxAttempts: 3));

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Accepted, result.Outcome);
        var requests = stub.Requests;
        Assert.Equal(2, requests.Count);
        var waited = requests[1].ArrivedAt - requests[0].ArrivedAt;
        Assert.True(waited >= TimeSpan.FromSeconds(0.9), $"the retry came {waited.TotalMilliseconds:F0} ms after the 429; Retry-After said 1 s");
    }

    [Fact]
    public async Task Bad_request_problem_is_rejected_with_its_code_and_not_retried()
    {
        await using var stub = await StubBackend.StartAsync((c, _) =>
            StubBackend.Problem(c, StatusCodes.Status400BadRequest, "bad-csv-header", "column 3 should be no_social_cidadao"));
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast(maxAttempts: 4));

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Rejected, result.Outcome);
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("bad-csv-header", result.Code);
        Assert.Equal("column 3 should be no_social_cidadao", result.Detail);
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData(StatusCodes.Status401Unauthorized)]
    [InlineData(StatusCodes.Status403Forbidden)]
    public async Task Refused_token_is_unauthorized_and_not_retried(int status)
    {
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, status));
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast(maxAttempts: 4));

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Unauthorized, result.Outcome);
        Assert.Equal((HttpStatusCode)status, result.Status);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Server_errors_until_the_last_attempt_are_unreachable_after_max_attempts()
    {
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status503ServiceUnavailable));
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast(maxAttempts: 3));

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Unreachable, result.Outcome);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, result.Status);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_unreachable_after_max_attempts()
    {
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Hang(c));
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast(maxAttempts: 2, attemptTimeoutSeconds: 0.5));

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Unreachable, result.Outcome);
        Assert.Null(result.Status);
        Assert.Equal("network", result.Code);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task A_server_that_is_down_is_unreachable()
    {
        var port = FreePort.Next();
        await AssertNothingListensAsync(port);
        var snapshot = await SpoolSnapshotAsync();
        using var client = new BackendClient($"http://127.0.0.1:{port}", Fast(maxAttempts: 2));

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Unreachable, result.Outcome);
        Assert.Null(result.Status);
        Assert.Equal("network", result.Code);
        Assert.True(File.Exists(snapshot.Path), "a failed upload must not touch the spooled file");
    }

    [Fact]
    public async Task GetLists_reads_the_catalog_with_the_token()
    {
        var catalog = new ListCatalogDto([new ListDefinitionDto("hipertensos", 3, "SELECT 1 AS a", [new ListColumnDto("a", "integer")], ["a"])]);
        await using var stub = await StubBackend.StartAsync(async (c, _) =>
        {
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(JsonSerializer.Serialize(catalog, ContractsJsonContext.Default.ListCatalogDto));
        });
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast());

        var lists = await client.GetListsAsync(Token, CancellationToken.None);

        var list = Assert.Single(lists.Lists);
        Assert.Equal("hipertensos", list.Name);
        Assert.Equal(3, list.Version);
        Assert.Equal("SELECT 1 AS a", list.Sql);
        Assert.Equal(["a"], list.Key);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/lists", request.Path);
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
    }

    [Fact]
    public async Task GetLists_with_a_refused_token_throws_BackendAuthException()
    {
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status401Unauthorized));
        using var client = new BackendClient(stub.Endpoint.ToString(), Fast());

        await Assert.ThrowsAsync<BackendAuthException>(() => client.GetListsAsync(Token, CancellationToken.None));
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task An_over_cap_snapshot_is_refused_413_before_its_body_is_sent_and_is_a_clean_rejection()
    {
        const int Cap = 64 * 1024;
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status202Accepted), new StubOptions { MaxRequestBodySize = Cap });
        await using var wire = ConnectProxy.Relay(new IPEndPoint(IPAddress.Loopback, stub.Endpoint.Port));
        var body = RandomNumberGenerator.GetBytes(8 << 20); // 8 MB that no compression along the way could shrink
        var snapshot = await new Spool(_dir.Combine("spool")).WriteAsync("2304400", "hipertensos", SnapshotIds.New(ExtractedAt), async s => await s.WriteAsync(body));
        using var client = new BackendClient($"http://127.0.0.1:{wire.Port}/", Fast(maxAttempts: 3));

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal((UploadOutcome.Rejected, HttpStatusCode.RequestEntityTooLarge, "too-large"), (result.Outcome, result.Status, result.Code));
        var put = Assert.Single(Puts(stub));
        Assert.Equal("100-continue", put.Header("Expect"));
        Assert.True(wire.BytesFromClients < 16 * 1024, $"the uploader sent {wire.BytesFromClients} bytes of an {body.Length}-byte upload the server refused on its headers");
    }

    [Fact]
    public async Task A_snapshot_under_the_cap_is_sent_whole_after_the_server_says_continue()
    {
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status202Accepted), new StubOptions { MaxRequestBodySize = 1 << 20 });
        await using var wire = ConnectProxy.Relay(new IPEndPoint(IPAddress.Loopback, stub.Endpoint.Port));
        var body = RandomNumberGenerator.GetBytes(512 * 1024);
        var snapshot = await new Spool(_dir.Combine("spool")).WriteAsync("2304400", "hipertensos", SnapshotIds.New(ExtractedAt), async s => await s.WriteAsync(body));
        using var client = new BackendClient($"http://127.0.0.1:{wire.Port}/", Fast());

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(UploadOutcome.Accepted, result.Outcome);
        var put = Assert.Single(Puts(stub));
        Assert.Equal("100-continue", put.Header("Expect"));
        Assert.Equal(body, put.Body);
        Assert.True(wire.BytesFromClients > body.Length, $"the uploader sent {wire.BytesFromClients} bytes of a {body.Length}-byte upload");
    }

    [Fact]
    public void The_proxy_a_handler_would_use_is_reported_without_its_credentials()
    {
        using var viaProxy = new BackendClient("https://backend.example.org/", Fast(), new SocketsHttpHandler { Proxy = new WebProxy(new Uri("http://uploader:s3cret@proxy.prefeitura.local:3128")) });
        using var bypassed = new BackendClient("https://backend.example.org/", Fast(), new SocketsHttpHandler { Proxy = new WebProxy("http://proxy.prefeitura.local:3128", false, ["backend\\.example\\.org"]) });
        using var proxyOff = new BackendClient("https://backend.example.org/", Fast(), new SocketsHttpHandler { UseProxy = false, Proxy = new WebProxy("http://proxy.prefeitura.local:3128") });

        Assert.Equal("http://proxy.prefeitura.local:3128", viaProxy.ProxyText);
        Assert.Equal(string.Empty, viaProxy.Proxy!.UserInfo);
        Assert.Null(bypassed.Proxy);
        Assert.Null(proxyOff.Proxy);
    }

    [Fact]
    public async Task A_proxy_that_refuses_the_tunnel_never_gets_its_password_into_errors_the_run_logs()
    {
        const string Password = "s3cret-proxy-pw";
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress>()); // knows no names: 502 to every CONNECT
        var snapshot = await SpoolSnapshotAsync();
        HttpMessageHandler ViaProxy() => new SocketsHttpHandler { Proxy = new WebProxy(new Uri($"http://uploader:{Password}@127.0.0.1:{proxy.Port}")) };
        using var lists = new BackendClient("https://backend.invalid/", Fast(maxAttempts: 1), ViaProxy());
        using var uploads = new BackendClient("https://backend.invalid/", Fast(maxAttempts: 1), ViaProxy());

        var listsError = await Assert.ThrowsAsync<HttpRequestException>(() => lists.GetListsAsync(Token, CancellationToken.None));
        var upload = await uploads.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal(HttpRequestError.ProxyTunnelError, listsError.HttpRequestError);
        Assert.Contains($"127.0.0.1:{proxy.Port}", listsError.Message, StringComparison.Ordinal); // still says which proxy
        Assert.DoesNotContain(Password, listsError.Message, StringComparison.Ordinal);
        Assert.Equal((UploadOutcome.Unreachable, "tls-proxy"), (upload.Outcome, upload.Code)); // the failure category: the proxy refused
        Assert.Contains($"127.0.0.1:{proxy.Port}", upload.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, upload.Detail, StringComparison.Ordinal);
        Assert.Equal(2, proxy.RequestLines.Count(l => l == "CONNECT backend.invalid:443 HTTP/1.1"));
    }

    internal static async Task AssertNothingListensAsync(int port)
    {
        using var probe = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
    }
}
