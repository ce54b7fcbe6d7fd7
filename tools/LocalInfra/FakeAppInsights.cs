using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace LocalInfra;

/// <summary>
/// A stand-in for Application Insights' ingestion endpoint (Azure itself, the one thing faked): Azure Monitor's
/// exporter POSTs gzip'd newline-delimited JSON envelopes to {IngestionEndpoint}/v2.1/track; this keeps them so a test
/// can read exactly what would have reached customEvents, customMetrics and traces. Point the app at it with
/// <see cref="ConnectionString"/>.
/// </summary>
public sealed class FakeAppInsights : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<JsonObject> _envelopes = [];
    private readonly List<string> _raw = [];
    private readonly Task _serving;

    private FakeAppInsights(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>An App Insights connection string whose ingestion endpoint is this fake (the key is a made-up GUID).</summary>
    public string ConnectionString => $"InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=http://127.0.0.1:{Port}/";

    public static FakeAppInsights Start() => new(FreePort.Next());

    /// <summary>Every envelope received so far.</summary>
    public IReadOnlyList<JsonObject> Envelopes
    {
        get
        {
            lock (_envelopes)
            {
                return [.. _envelopes];
            }
        }
    }

    /// <summary>Every request body received so far, decompressed: what left the process, to search for personal data.</summary>
    public string AllText
    {
        get
        {
            lock (_envelopes)
            {
                return string.Join('\n', _raw);
            }
        }
    }

    /// <summary>The customEvents rows named <paramref name="name"/>: their properties (customDimensions).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> Events(string name) =>
        [.. Envelopes
            .Where(e => e["data"]?["baseType"]?.GetValue<string>() == "EventData" && e["data"]?["baseData"]?["name"]?.GetValue<string>() == name)
            .Select(e => (IReadOnlyDictionary<string, string?>)(e["data"]!["baseData"]!["properties"]?.AsObject()
                .ToDictionary(p => p.Key, p => p.Value?.ToString()) ?? []))];

    /// <summary>
    /// Polls every 500 ms until <paramref name="arrived"/> holds (the exporter batches every few seconds); after the timeout
    /// fails saying <paramref name="whatWeWaitedFor"/> and how many envelopes had arrived.
    /// </summary>
    public Task WaitForAsync(Func<FakeAppInsights, bool> arrived, TimeSpan timeout, string whatWeWaitedFor) =>
        Eventually.UntilAsync(
            () => (Arrived: arrived(this), Envelopes: Envelopes.Count), seen => seen.Arrived, timeout, whatWeWaitedFor, TimeSpan.FromMilliseconds(500),
            seen => $"not among the {seen.Envelopes} envelope(s) received");

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

            try
            {
                Stream body = context.Request.InputStream;
                if (string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
                {
                    body = new GZipStream(body, CompressionMode.Decompress);
                }

                using var reader = new StreamReader(body, Encoding.UTF8);
                var text = await reader.ReadToEndAsync();
                var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                lock (_envelopes)
                {
                    _raw.Add(text);
                    _envelopes.AddRange(lines.Select(l => JsonNode.Parse(l)).OfType<JsonObject>());
                }

                var answer = Encoding.UTF8.GetBytes($$"""{"itemsReceived":{{lines.Length}},"itemsAccepted":{{lines.Length}},"errors":[]}""");
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(answer);
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                context.Response.StatusCode = 400;
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
