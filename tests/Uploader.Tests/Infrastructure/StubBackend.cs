using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using LocalInfra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PecLists.Uploader.Tests;

/// <summary>One request as the stub server received it (headers, whole body, arrival time).</summary>
public sealed record ReceivedRequest(int Number, string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, TimeSpan ArrivedAt)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>How the stub listens: HTTPS with a certificate, and a body cap it enforces the way the functions app does.</summary>
public sealed record StubOptions
{
    /// <summary>Serve HTTPS with this certificate (else plain HTTP).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The host name the endpoint is given by (the certificate must name it); 127.0.0.1 by default.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// Like the functions app: a declared Content-Length over this is answered 413 "too-large" without reading the
    /// body (such requests are recorded with an empty body), and Kestrel's own limit is this plus one.
    /// </summary>
    public long? MaxRequestBodySize { get; init; }
}

/// <summary>
/// A real Kestrel server on a free loopback port that records every request and answers with a test-supplied responder.
/// </summary>
public sealed class StubBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Func<HttpContext, ReceivedRequest, Task> _respond;
    private readonly StubOptions _options;

    private StubBackend(WebApplication app, Uri endpoint, Func<HttpContext, ReceivedRequest, Task> respond, StubOptions options)
    {
        _app = app;
        Endpoint = endpoint;
        _respond = respond;
        _options = options;
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<StubBackend> StartAsync(Func<HttpContext, ReceivedRequest, Task> respond, StubOptions? options = null)
    {
        options ??= new StubOptions();
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.MaxRequestBodySize is { } max)
            {
                kestrel.Limits.MaxRequestBodySize = max + 1;
            }

            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                if (options.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var scheme = options.Certificate is null ? "http" : "https";
        var stub = new StubBackend(app, new Uri($"{scheme}://{options.Host}:{port}/"), respond, options);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        return stub;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = _clock.Elapsed;
        var tooLarge = context.Request.ContentLength > _options.MaxRequestBodySize;
        using var body = new MemoryStream();
        if (!tooLarge)
        {
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        ReceivedRequest request;
        lock (_requests)
        {
            request = new ReceivedRequest(_requests.Count + 1, context.Request.Method, context.Request.Path.Value ?? string.Empty, headers, body.ToArray(), arrived);
            _requests.Add(request);
        }

        if (tooLarge)
        {
            await Problem(context, StatusCodes.Status413PayloadTooLarge, "too-large", $"The compressed body exceeds {_options.MaxRequestBodySize} bytes.");
            return;
        }

        await _respond(context, request);
    }

    // Canned responders.

    /// <summary>
    /// The backend doctor and install talk to: health answers, GET /api/v1/lists serves <paramref name="catalog"/> (signed with
    /// <see cref="TestSigning"/> where unsigned) to
    /// requests <paramref name="accepts"/>, heartbeats are taken, anything else is 401.
    /// </summary>
    public static Task<StubBackend> ForSite(PecLists.Contracts.ListCatalogDto catalog, Func<ReceivedRequest, bool> accepts, string health = """{"status":"ok","checks":{"database":"ok","storage":"ok"}}""") => StartAsync(async (context, request) =>
    {
        switch (request.Path)
        {
            case "/api/v1/health":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(health);
                break;
            case "/api/v1/lists" when accepts(request):
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(TestSigning.SignUnsigned(catalog), PecLists.Contracts.ContractsJsonContext.Default.ListCatalogDto));
                break;
            case "/api/v1/heartbeats":
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                break;
        }
    });

    public static Task Status(HttpContext context, int status, string? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return Task.CompletedTask;
    }

    public static async Task Problem(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        await context.Response.WriteAsync(
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["type"] = "about:blank",
                ["title"] = "Bad request",
                ["status"] = status,
                ["detail"] = detail,
                ["code"] = code,
            }),
            context.RequestAborted);
    }

    /// <summary>Never answers: holds the request until the client gives up.</summary>
    public static async Task Hang(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
