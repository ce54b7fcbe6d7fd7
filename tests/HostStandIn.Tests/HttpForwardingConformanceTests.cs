using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace HostStandIn.Tests;

/// <summary>
/// Each rule the stand-in copies from the Functions host's HTTP forwarding, pinned against a handler that echoes what
/// it received. Host source: Azure/azure-functions-host src/WebJobs.Script (commit 89dc438, Oct 2024).
/// </summary>
public sealed class HttpForwardingConformanceTests : IAsyncLifetime
{
    private EchoApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await EchoApp.StartAsync(functions:
        [
            ("items", EchoApp.HttpFunction("items/{id:int}", "get", "put", "post")),
            ("status", EchoApp.HttpFunction("status/{code}", "get")),
            ("keyed", EchoApp.HttpFunction("keyed", "get").Replace("anonymous", "function", StringComparison.Ordinal)),
        ]);

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    private async Task<(HttpStatusCode Status, JsonObject? Echo, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        var response = await _app.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)!.AsObject() : null, response);
    }

    private static string? Header(JsonObject echo, string name) => echo["headers"]![name.ToLowerInvariant()]?.ToString();

    // Host: HttpRequestExtensions.ToHttpRequestMessage — headers copied with Headers.TryAddWithoutValidation, which
    // refuses content headers; only Content-Length and Content-Type are re-added, on the content.
    [Fact]
    public async Task Content_headers_are_dropped_while_unknown_and_authorization_headers_pass()
    {
        var body = RandomNumberGenerator.GetBytes(5000);
        using var request = new HttpRequestMessage(HttpMethod.Put, _app.Url("/api/items/7")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Content.Headers.ContentLanguage.Add("pt-BR");
        request.Content.Headers.TryAddWithoutValidation("Content-Digest", "sha-256=:abc=:");
        request.Headers.TryAddWithoutValidation("X-Extracted-At", "2026-11-26T03:00:00Z");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "pec_token");

        var (status, echo, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(Header(echo!, "Content-Encoding"));
        Assert.Null(Header(echo!, "Content-Language"));
        Assert.Equal("sha-256=:abc=:", Header(echo!, "Content-Digest"));
        Assert.Equal("2026-11-26T03:00:00Z", Header(echo!, "X-Extracted-At"));
        Assert.Equal("Bearer pec_token", Header(echo!, "Authorization"));
        Assert.Equal("text/csv", Header(echo!, "Content-Type"));
        Assert.Equal("5000", Header(echo!, "Content-Length"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), echo!["bodySha256"]!.ToString());
    }

    // Host: ToHttpRequestMessage copies the body only when request.ContentLength > 0. A chunked request keeps its
    // Transfer-Encoding header and loses its body, and .NET's HttpClient then fails to send it: the invocation fails
    // and the host answers 500 with no body. Clients must send a Content-Length.
    [Fact]
    public async Task A_chunked_body_never_reaches_the_handler()
    {
        var (status, body) = await RawAsync(
            "POST /api/items/7 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5\r\nhello\r\n0\r\n\r\n");

        Assert.Equal(500, status);
        Assert.Equal(string.Empty, body);
        Assert.Contains("Executed 'Functions.items' (Failed", _app.Host.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_with_a_Content_Length_of_zero_is_not_forwarded_as_content()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, _app.Url("/api/items/7")) { Content = new ByteArrayContent([]) };

        var (status, echo, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, echo!["bodyLength"]!.GetValue<int>());
        // HttpClient writes "Content-Length: 0" itself for a PUT without content.
        Assert.Equal("0", Header(echo, "Content-Length"));
    }

    // Host: DefaultHttpWorkerService.GetPathValue (forwarding: the original AbsolutePath) and ToHttpRequestMessage
    // (QueryHelpers.AddQueryString over GetQueryCollectionAsDictionary: a repeated key is joined with ',').
    [Fact]
    public async Task The_original_path_and_query_reach_the_handler()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.Url("/api/items/42?a=1&a=2&b=%C3%A1"));

        var (status, echo, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/api/items/42?a=1,2&b=%C3%A1", echo!["url"]!.ToString());
        Assert.Equal("GET", echo["method"]!.ToString());
    }

    // Host: DefaultHttpWorkerService.AddHeaders.
    [Fact]
    public async Task The_host_adds_its_invocation_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.Url("/api/items/1"));
        request.Headers.UserAgent.ParseAdd("uploader/1.0");

        var (_, echo, _) = await SendAsync(request);

        Assert.True(Guid.TryParse(Header(echo!, "X-Azure-Functions-InvocationId"), out _));
        Assert.Equal(HttpForwarding.HostVersion, Header(echo!, "X-Azure-Functions-HostVersion"));
        Assert.Equal($"uploader/1.0 Azure-Functions-Host/{HttpForwarding.HostVersion}", Header(echo!, "User-Agent"));
    }

    [Theory]
    [InlineData("GET", "/api/nothing-declared")]
    [InlineData("GET", "/items/1")]
    [InlineData("GET", "/api/items/not-an-int")]
    [InlineData("DELETE", "/api/items/1")]
    public async Task A_route_no_function_declares_is_404_with_no_body(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), _app.Url(path));

        var (status, echo, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Null(echo);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    // Host: ProcessHttpInAndOutInvocationRequest sets the handler's HttpResponseMessage as the function's output.
    [Fact]
    public async Task The_handler_response_comes_back_as_is()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.Url("/api/status/418"));

        var (status, echo, response) = await SendAsync(request);

        Assert.Equal((HttpStatusCode)418, status);
        Assert.Equal("yes", response.Headers.GetValues("x-echo").Single());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("/api/status/418", echo!["url"]!.ToString());
    }

    [Fact]
    public async Task A_function_with_a_key_level_is_refused_without_a_key()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.Url("/api/keyed"));

        var (status, _, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    // Host: HttpWorkerProcess.CreateWorkerProcess (environment), HttpWorkerOptionsSetup (working directory = app root,
    // %APP_SETTING% in arguments).
    [Fact]
    public async Task The_handler_is_started_as_the_host_starts_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.Url("/api/items/1"));

        var (_, echo, _) = await SendAsync(request);
        var env = echo!["env"]!;

        Assert.Equal(_app.Host.HandlerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), env["FUNCTIONS_CUSTOMHANDLER_PORT"]!.ToString());
        Assert.Equal(env["FUNCTIONS_CUSTOMHANDLER_PORT"]!.ToString(), env["FUNCTIONS_HTTPWORKER_PORT"]!.ToString());
        Assert.True(Guid.TryParse(env["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"]!.ToString(), out _));
        Assert.Equal(_app.Root, env["FUNCTIONS_APP_ROOT_PATH"]!.ToString());
        Assert.Equal(_app.Root, env["cwd"]!.ToString());
        Assert.Equal("expanded", env["ECHO_SETTING"]!.ToString());
        Assert.Equal("expanded", env["argv"]![0]!.ToString());
        Assert.NotEqual(_app.Host.Endpoint.Port, _app.Host.HandlerPort);
    }

    private async Task<(int Status, string Body)> RawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _app.Host.Endpoint.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var statusLine = await reader.ReadLineAsync() ?? string.Empty;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? line;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var length = headers.TryGetValue("Content-Length", out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var buffer = new char[length];
        var read = 0;
        while (read < length)
        {
            read += await reader.ReadAsync(buffer.AsMemory(read));
        }

        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), new string(buffer, 0, read));
    }
}
