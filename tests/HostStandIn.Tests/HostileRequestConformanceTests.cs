using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HostStandIn.Tests;

/// <summary>
/// Seven hostile requests the host answers itself, before the handler can: each is a bare 500 (no body) from the host's
/// ExceptionMiddleware (src/WebJobs.Script.WebHost/Middleware/ExceptionMiddleware.cs:29-50, commit 89dc438: any exception
/// from the invocation, the response not started → line 45 <c>context.Response.StatusCode = StatusCodes.Status500InternalServerError;</c>,
/// nothing written; lines 47-50 change the status only for the host's own <c>HttpException</c>
/// (src/WebJobs.Script.WebHost/HttpException.cs), which neither Kestrel's BadHttpRequestException nor HttpClient's
/// errors are). The forwarding is DefaultHttpWorkerService.cs:96 (<c>httpRequest.ToHttpRequestMessage(uri)</c>). Why each
/// fails inside the host:
/// <list type="bullet">
/// <item>chunked (with or without a Content-Length, bad framing, 256 MiB, a 4 MiB heartbeat): Kestrel gives the request
/// no Content-Length, so HttpRequestExtensions.ToHttpRequestMessage (src/WebJobs.Script/Extensions/HttpRequestExtensions.cs:164,
/// 170) copies <c>Transfer-Encoding: chunked</c> as a header onto a request without content, and HttpClient refuses to
/// send it;</item>
/// <item>a non-ASCII byte in a header (the token): Kestrel accepts it (UTF-8), line 164 copies it, and HttpClient refuses
/// to send a non-ASCII header value;</item>
/// <item>Content-Length 8 GiB: the body is over Kestrel's MaxRequestBodySize (100 MB, src/WebJobs.Script.WebHost/Program.cs:50,
/// or FUNCTIONS_REQUEST_BODY_SIZE_LIMIT via HttpRequestBodySizeMiddleware.cs:46), and the first read of it, by the
/// forwarding HttpClient copying the StreamContent of line 170, throws BadHttpRequestException (413) inside the invocation;</item>
/// <item>a body trickled under Kestrel's minimum data rate (240 B/s after a 5 s grace; the host keeps Kestrel's default):
/// the same read throws BadHttpRequestException (408) inside the invocation.</item>
/// </list>
/// Kestrel's own 413/408 would only be sent if the exception left the application; ExceptionMiddleware catches it first.
/// So the handler's problem+json answers (411, 413, 408…) are what a client sees without the host; behind it, these.
/// </summary>
public sealed class HostileRequestConformanceTests : IAsyncLifetime
{
    private EchoApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await EchoApp.StartAsync(functions:
        [
            ("put", EchoApp.HttpFunction("v1/lists/{list}/snapshots/{id}", "put")),
            ("heartbeats", EchoApp.HttpFunction("v1/heartbeats", "post")),
        ]);

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    private const string Put = "PUT /api/v1/lists/hipertensos/snapshots/0194c2a0-0000-7000-8000-000000000001 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pec_token\r\nContent-Type: text/csv\r\n";
    private const string Heartbeat = "POST /api/v1/heartbeats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pec_token\r\nContent-Type: application/json\r\n";

    [Theory]
    [InlineData("content-length-and-chunked")]
    [InlineData("invalid-chunking")]
    [InlineData("256mib-chunked")]
    [InlineData("4mib-chunked-heartbeat")]
    [InlineData("non-ascii-token")]
    [InlineData("declared-8gib-sends-256mib-and-half-closes")]
    [InlineData("1mib-trickled")]
    public async Task The_host_answers_a_bare_500_before_the_handler_can(string scenario)
    {
        var (head, body) = scenario switch
        {
            "content-length-and-chunked" => (Put + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", Text("5\r\nhello\r\n0\r\n\r\n")),
            "invalid-chunking" => (Put + "Transfer-Encoding: chunked\r\n\r\n", Text("zz\r\nxx\r\n0\r\n\r\n")),
            "256mib-chunked" => (Put + "Transfer-Encoding: chunked\r\n\r\n", Chunked(256L << 20)),
            "4mib-chunked-heartbeat" => (Heartbeat + "Transfer-Encoding: chunked\r\n\r\n", Chunked(4L << 20)),
            "non-ascii-token" => (Put.Replace("pec_token", "pec_tökén", StringComparison.Ordinal) + "Content-Length: 5\r\n\r\n", Text("hello")),
            "declared-8gib-sends-256mib-and-half-closes" => (Put + "Content-Length: 8589934592\r\n\r\n", Raw(256L << 20)),
            "1mib-trickled" => (Put + "Content-Length: 1048576\r\n\r\n", Trickle()),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario),
        };

        var (status, length) = await SendAsync(head, body, halfClose: scenario.EndsWith("half-closes", StringComparison.Ordinal));

        Assert.Equal(500, status);
        Assert.Equal(0, length);
        Assert.Contains("(Failed", _app.Host.Log.Text, StringComparison.Ordinal);
        using var healthy = await _app.Http.PutAsync(_app.Url("api/v1/lists/hipertensos/snapshots/x"), new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    private static Func<Stream, CancellationToken, Task> Text(string text) => (s, ct) => s.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

    private static Func<Stream, CancellationToken, Task> Chunked(long total) => async (s, ct) =>
    {
        var chunk = new byte[1 << 16];
        var frame = Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
        for (long sent = 0; sent < total; sent += chunk.Length)
        {
            await s.WriteAsync(frame, ct);
            await s.WriteAsync(chunk, ct);
            await s.WriteAsync("\r\n"u8.ToArray(), ct);
        }

        await s.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
    };

    private static Func<Stream, CancellationToken, Task> Raw(long total) => async (s, ct) =>
    {
        var block = new byte[1 << 16];
        for (long sent = 0; sent < total; sent += block.Length)
        {
            await s.WriteAsync(block, ct);
        }
    };

    /// <summary>One byte every 50 ms: 20 B/s, under Kestrel's 240 B/s minimum.</summary>
    private static Func<Stream, CancellationToken, Task> Trickle() => async (s, ct) =>
    {
        while (!ct.IsCancellationRequested)
        {
            await s.WriteAsync(new byte[] { 0x1f }, ct);
            await Task.Delay(50, ct);
        }
    };

    /// <summary>
    /// Writes the head as bytes (UTF-8: the non-ASCII token) and the body while reading the answer; half-closes after it
    /// only when asked (a half-close right after a small request makes Kestrel drop it unanswered, host or not).
    /// </summary>
    private async Task<(int Status, int Length)> SendAsync(string head, Func<Stream, CancellationToken, Task> body, bool halfClose)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _app.Host.Endpoint.Port);
        var stream = tcp.GetStream();
        using var sending = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head), sending.Token);
        var writer = Task.Run(async () =>
        {
            try
            {
                await body(stream, sending.Token);
                if (halfClose)
                {
                    tcp.Client.Shutdown(SocketShutdown.Send);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The host may answer and close before the body is all sent.
            }
        });

        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? string.Empty;
        var length = -1;
        string? line;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        await sending.CancelAsync();
        await writer;
        Assert.True(statusLine.Split(' ').Length > 1, $"no answer ('{statusLine}'):\n{_app.Host.Log.Text}");
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), length);
    }
}
