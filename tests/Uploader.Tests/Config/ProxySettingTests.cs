using System.Net;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

/// <summary>
/// upload.proxy in this process, with proxies the tests make (no environment variables: HttpClient.DefaultProxy is read
/// once per process): a configured proxy carries every request with its credentials; "direct" ignores the proxy the
/// system would impose; install's detection reads the proxy a session uses for the endpoint.
/// </summary>
public sealed class ProxySettingTests : IDisposable
{
    private const string Token = "tok-2304400-secret";
    private const string ProxyUser = "uploader";
    private const string ProxyPassword = "pa@ss:w/rd%"; // every character that needs percent-encoding in user-info

    // Reserved (RFC 2606): no resolver answers for it, so only the proxy's own table can.
    private const string BackendName = "backend.invalid";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static UploadConfig Fast(string? proxy) => new()
    {
        MaxAttempts = 2,
        FirstRetryDelaySeconds = 0.05,
        AttemptTimeoutSeconds = 10,
        Proxy = proxy,
    };

    private static Task<StubBackend> Backend(string host = "127.0.0.1") => StubBackend.StartAsync(
        async (context, request) =>
        {
            switch (request.Method, request.Path)
            {
                case ("GET", "/api/v1/lists"):
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(JsonSerializer.Serialize(new ListCatalogDto([], "2304400"), ContractsJsonContext.Default.ListCatalogDto));
                    break;
                case ("PUT", _):
                    context.Response.StatusCode = StatusCodes.Status202Accepted;
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    break;
            }
        },
        new StubOptions { Host = host });

    [Fact]
    public async Task A_configured_proxy_carries_every_request_with_its_credentials_and_is_shown_without_them()
    {
        await using var backend = await Backend(BackendName);
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress> { [BackendName] = IPAddress.Loopback }, require: new NetworkCredential(ProxyUser, ProxyPassword));
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => Dns.GetHostAddressesAsync(BackendName)); // only the proxy can reach it
        var setting = $"http://{ProxyUser}:{Uri.EscapeDataString(ProxyPassword)}@127.0.0.1:{proxy.Port}";
        var snapshot = await new Spool(_dir.Combine("spool")).WriteAsync("2304400", "hipertensos", SnapshotIds.New(DateTimeOffset.UtcNow), async s => await s.WriteAsync(Gzip.Compress("a\n1\n")));
        using var client = new BackendClient(backend.Endpoint.ToString(), Fast(setting)); // the uploader's own handler

        var catalog = await client.GetListsAsync(Token, CancellationToken.None);
        var upload = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        Assert.Equal("2304400", catalog.Site);
        Assert.Equal(UploadOutcome.Accepted, upload.Outcome);
        Assert.Contains($"GET http://{BackendName}:{backend.Endpoint.Port}/api/v1/lists HTTP/1.1", proxy.RequestLines);
        Assert.Contains($"{ProxyUser}:{ProxyPassword}", proxy.Credentials); // percent-decoded before it was sent
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/lists" && r.Header("Authorization") == $"Bearer {Token}");
        Assert.Contains(backend.Requests, r => r.Method == "PUT");
        Assert.Equal($"http://127.0.0.1:{proxy.Port}", client.ProxyText);
        Assert.Equal(string.Empty, client.Proxy!.UserInfo);
        Assert.DoesNotContain("pa", client.Proxy.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direct_goes_straight_to_the_backend_past_the_proxy_the_system_settings_impose()
    {
        await using var backend = await Backend();
        await using var systemProxy = new ConnectProxy(new Dictionary<string, IPAddress>());
        SocketsHttpHandler SystemSettings() => new() { Proxy = new WebProxy($"http://127.0.0.1:{systemProxy.Port}") }; // as HTTPS_PROXY would set it

        using var asTheSystemSays = new BackendClient(backend.Endpoint.ToString(), Fast(null), ProxySetting.Apply(null, SystemSettings()));
        await asTheSystemSays.GetListsAsync(Token, CancellationToken.None);
        var throughTheSystemProxy = systemProxy.RequestLines.Count;
        using var direct = new BackendClient(backend.Endpoint.ToString(), Fast("direct"), ProxySetting.Apply("direct", SystemSettings()));
        var catalog = await direct.GetListsAsync(Token, CancellationToken.None);

        Assert.Equal($"http://127.0.0.1:{systemProxy.Port}", asTheSystemSays.ProxyText);
        Assert.Equal(1, throughTheSystemProxy);
        Assert.Equal("2304400", catalog.Site);
        Assert.Null(direct.Proxy);
        Assert.Null(direct.ProxyText);
        Assert.Equal(throughTheSystemProxy, systemProxy.RequestLines.Count);
        Assert.Equal(2, backend.Requests.Count(r => r.Path == "/api/v1/lists"));
    }

    [Fact]
    public async Task A_configured_proxy_replaces_the_one_the_system_settings_impose()
    {
        await using var backend = await Backend();
        await using var systemProxy = new ConnectProxy(new Dictionary<string, IPAddress>());
        await using var configured = new ConnectProxy(new Dictionary<string, IPAddress>());
        var handler = ProxySetting.Apply($"http://127.0.0.1:{configured.Port}", new SocketsHttpHandler { Proxy = new WebProxy($"http://127.0.0.1:{systemProxy.Port}") });

        using var client = new BackendClient(backend.Endpoint.ToString(), Fast(null), handler);
        await client.GetListsAsync(Token, CancellationToken.None);

        Assert.Equal($"http://127.0.0.1:{configured.Port}", client.ProxyText);
        Assert.Single(configured.RequestLines);
        Assert.Empty(systemProxy.RequestLines);
    }

    [Fact]
    public void The_proxy_a_session_uses_is_detected_with_its_credentials_still_encoded_and_they_parse_back()
    {
        var endpoint = new Uri("https://ingest.example.org/");

        var detected = ProxySetting.Detect(new WebProxy("http://ti:pa%40ss@proxy.example:3128"), endpoint);

        Assert.Equal("http://ti:pa%40ss@proxy.example:3128", detected);
        Assert.True(ProxySetting.TryParse(detected!, out var address, out var credentials));
        Assert.Equal(new Uri("http://proxy.example:3128/"), address);
        Assert.Equal(string.Empty, address.UserInfo);
        Assert.Equal(("ti", "pa@ss", string.Empty), (credentials!.UserName, credentials.Password, credentials.Domain));
        Assert.Equal("http://proxy.example:3128", ProxySetting.Display(detected));
    }

    [Fact]
    public void No_proxy_is_detected_when_the_session_goes_direct_or_bypasses_the_endpoint()
    {
        var endpoint = new Uri("https://ingest.example.org/");

        Assert.Null(ProxySetting.Detect(null, endpoint));
        Assert.Null(ProxySetting.Detect(new WebProxy(), endpoint)); // no address: everything direct
        Assert.Null(ProxySetting.Detect(new WebProxy("http://proxy.example:3128", false, ["ingest\\.example\\.org"]), endpoint));
    }

    [Fact]
    public void A_windows_domain_user_is_split_as_dotnet_does_for_HTTPS_PROXY()
    {
        Assert.True(ProxySetting.TryParse("http://PREFEITURA%5Cti:segredo@proxy.prefeitura.local:8080", out _, out var credentials));

        Assert.Equal(("ti", "segredo", "PREFEITURA"), (credentials!.UserName, credentials.Password, credentials.Domain));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("direct", true)]
    [InlineData("http://proxy.prefeitura.local:3128", true)]
    [InlineData("http://proxy.prefeitura.local:3128/", true)]
    [InlineData("http://ti:s%40nha@10.0.0.1:8080", true)]
    [InlineData("http://[::1]:3128", true)]
    [InlineData("", false)]
    [InlineData("ftp://x", false)]
    [InlineData("not a url", false)]
    [InlineData("https://proxy.prefeitura.local:3128", false)]
    [InlineData("socks5://proxy.prefeitura.local:1080", false)]
    [InlineData("proxy.prefeitura.local:3128", false)]
    [InlineData("http://proxy.prefeitura.local:3128/path", false)]
    [InlineData("http://proxy.prefeitura.local:3128?x=1", false)]
    [InlineData("http://ti:p@ss@proxy.prefeitura.local:3128", false)] // an unencoded @
    public void Only_direct_or_an_http_proxy_address_is_a_valid_setting(string? setting, bool valid) =>
        Assert.Equal(valid, ProxySetting.IsValid(setting));
}
