using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace LocalInfra.FakeApis;

/// <summary>
/// A local stand-in for a third-party JSON API (the one thing outside the product that an HTTP list reads): an
/// HttpListener on a loopback port that answers each path with a handler and records every request (its path and
/// query, headers and arrival time), so a test can say what the uploader asked, how often and when. Requests are
/// served concurrently: a client that gives up on a slow page and asks again is answered while the slow one stalls.
/// </summary>
public sealed class FakeJsonApi : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, Func<FakeApiRequest, HttpListenerResponse, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeApiRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _inFlight = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _serving;

    private FakeJsonApi(int port)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>Cancelled when the server stops: a stalling handler waits on it instead of a fixed time.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<FakeApiRequest> Requests => [.. _requests];

    public static FakeJsonApi Start() => new(FreePort.Next());

    /// <summary>Answers requests to <paramref name="path"/> ("/character") with <paramref name="handler"/>.</summary>
    public FakeJsonApi Map(string path, Func<FakeApiRequest, HttpListenerResponse, Task> handler)
    {
        _routes[path] = handler;
        return this;
    }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery.TrimStart('/'));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _inFlight.Add(Task.Run(() => AnswerAsync(context)));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var url = context.Request.Url!;
        var pathAndQuery = url.PathAndQuery;
        var request = new FakeApiRequest(
            url.AbsolutePath,
            pathAndQuery,
            System.Web.HttpUtility.ParseQueryString(url.Query),
            context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? string.Empty, StringComparer.OrdinalIgnoreCase),
            _attempts.AddOrUpdate(pathAndQuery, 1, (_, n) => n + 1),
            _clock.Elapsed);
        _requests.Enqueue(request);
        try
        {
            if (_routes.TryGetValue(url.AbsolutePath, out var handler))
            {
                await handler(request, context.Response);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away (it gave up on a slow page) or the server is stopping.
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _listener.Close();
        await _serving;
        await Task.WhenAll(_inFlight);
        _stopping.Dispose();
    }
}
