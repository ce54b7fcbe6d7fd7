using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Sources;

/// <summary>
/// A list read from an HTTP API answering JSON (<c>source.kind</c> "http", ADR 0022): page after page, each read as it
/// arrives (<see cref="JsonPageReader"/>), its rows converted to the list's columns and written as the same gzip CSV
/// the Postgres source writes. A page is tried again whole on a 5xx, 408, 429 (after its Retry-After), a timeout or a
/// dropped connection, with exponential back-off and jitter; it reaches the spool writer only once read whole
/// (<see cref="PageBufferStream"/>, in <c>pageDirectory</c>: the spool's folder, owner-only). Any failure fails the whole
/// list: the spool discards the partial file, nothing is sent.
/// </summary>
public sealed class HttpJsonSource : ISnapshotSource, IDisposable
{
    private static readonly string UserAgent = $"uploader/{typeof(HttpJsonSource).Assembly.GetName().Version?.ToString(3) ?? "0"}";

    private readonly HttpClient _http;
    private readonly HttpSourceConfig _settings;
    private readonly IReadOnlyDictionary<string, string> _secrets;
    private readonly string _pageDirectory;
    private readonly TimeProvider _clock;

    public HttpJsonSource(
        HttpSourceConfig settings,
        IReadOnlyDictionary<string, string> secrets,
        string? pageDirectory = null,
        HttpMessageHandler? handler = null,
        TimeProvider? clock = null,
        string? proxy = null)
    {
        _settings = settings;
        _secrets = secrets;
        _pageDirectory = pageDirectory ?? Path.GetTempPath();
        _clock = clock ?? TimeProvider.System;

        // No automatic redirects: .NET drops Authorization on a redirect to another host, but not custom key headers.
        // The proxy is upload.proxy's, as for the backend (ProxySetting.Apply): a scheduled run (cron, systemd, SYSTEM)
        // does not see the installer's HTTPS_PROXY, so the system's proxy applies only when the config names none.
        _http = new HttpClient(handler ?? ProxySetting.Apply(proxy, new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.All }), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // the pipeline times each attempt, body included
        };
    }

    public async Task<ExtractResult> ExtractAsync(ListDefinitionDto list, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        var plan = HttpListPlan.For(list, _secrets);
        var started = Stopwatch.StartNew();
        var pipeline = BuildPipeline(plan.TimeoutSeconds);
        var header = new CsvRowWriter(output.Writer);
        header.WriteRow([.. list.Columns.Select(c => c.Name)]);
        long rows = 0;
        var chars = header.Chars;
        using var page = new PageBufferStream(_pageDirectory);
        var visited = new Dictionary<Uri, int>();
        var number = 1;
        var url = plan.Paginator?.Type == PaginatorTypes.PageNumber ? plan.PageNumberUrl(1) : plan.Url;
        while (true)
        {
            visited[url] = number;
            var address = new PageAddress(number, url);
            var read = await ReadPageAsync(plan, address, page, pipeline, ct);
            page.MoveTo(output.Writer); // the whole page, only now
            rows += read.Page.Rows;
            chars += read.Chars;
            progress?.Invoke(new ExtractProgress(rows, chars, output.CompressedBytes));

            var next = NextUrl(plan, address, read.Page);
            if (next is null)
            {
                break;
            }

            if (visited.TryGetValue(next, out var earlier))
            {
                throw HttpSourceErrors.LinkLoop(address, earlier);
            }

            if (number >= plan.MaxPages)
            {
                throw HttpSourceErrors.TooManyPages(address, plan.MaxPages);
            }

            url = next;
            number++;
        }

        return new ExtractResult(rows, chars, output.CompressedBytes, started.Elapsed);
    }

    public SourceFailure? Classify(Exception ex) => ex is HttpSourceException failure ? failure.Failure : null;

    public void Dispose() => _http.Dispose();

    /// <summary>The next page's address, or null when the walk ends.</summary>
    private static Uri? NextUrl(HttpListPlan plan, PageAddress current, JsonPage page)
    {
        switch (plan.Paginator?.Type)
        {
            case PaginatorTypes.NextLink when !string.IsNullOrWhiteSpace(page.NextLink):
                // Absolute, or relative to the page that holds it (RFC 3986 §5).
                return Uri.TryCreate(current.Url, page.NextLink, out var next) && next.Scheme is "https" or "http"
                    ? next
                    : throw HttpSourceErrors.BadDefinition(
                        $"{current.English}: the next-page link is not an http(s) address",
                        $"{current.Portuguese}: o link da próxima página não é um endereço http(s)");
            case PaginatorTypes.PageNumber when page.Rows > 0:
                return plan.PageNumberUrl(current.Number + 1);
            default:
                return null;
        }
    }

    /// <summary>One page, tried again whole as the pipeline says; its CSV is in <paramref name="buffer"/> when it returns.</summary>
    private async Task<PageRead> ReadPageAsync(HttpListPlan plan, PageAddress address, PageBufferStream buffer, ResiliencePipeline pipeline, CancellationToken ct)
    {
        var attempts = 0;
        try
        {
            return await pipeline.ExecuteAsync(
                async attemptCt =>
                {
                    attempts++;
                    buffer.Reset();
                    return await ReadOnceAsync(plan, address, buffer, attemptCt);
                },
                ct);
        }
        catch (TimeoutRejectedException)
        {
            throw HttpSourceErrors.TimedOut(address, plan.TimeoutSeconds, attempts);
        }
        catch (RetriableStatusException ex)
        {
            throw HttpSourceErrors.StatusAfterRetries(address, ex.Status, attempts);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is IOException io && !DiskSpace.IsFull(io)))
        {
            throw HttpSourceErrors.Unreachable(address, ex, attempts);
        }
    }

    private async Task<PageRead> ReadOnceAsync(HttpListPlan plan, PageAddress address, PageBufferStream buffer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address.Url);
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Accept.ParseAdd("application/json");
        foreach (var (name, value) in plan.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        CheckStatus(plan, address, response);
        if (response.Content.Headers.ContentType?.MediaType is { } mediaType && !IsJsonOrUntyped(mediaType))
        {
            throw HttpSourceErrors.NotJson(address, mediaType);
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await using var text = new StreamWriter(buffer, new UTF8Encoding(false), 1 << 15, leaveOpen: true);
        var csv = new CsvRowWriter(text);
        var values = new string?[plan.Columns.Count];
        JsonPage page;
        try
        {
            page = await plan.Reader.ReadAsync(body, (row, index) => WriteRow(plan, address, row, index, values, csv), ct);
        }
        catch (JsonException ex)
        {
            throw ex.BytePositionInLine == 0 && ex.LineNumber == 0
                ? HttpSourceErrors.NotJson(address, response.Content.Headers.ContentType?.MediaType)
                : HttpSourceErrors.InvalidJson(address, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
        }
        catch (JsonPageShapeException ex)
        {
            throw HttpSourceErrors.Shape(address, ex);
        }

        await text.FlushAsync(ct);
        return new PageRead(page, csv.Chars);
    }

    private void CheckStatus(HttpListPlan plan, PageAddress address, HttpResponseMessage response)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        if (RetriableStatusException.IsRetriable(status))
        {
            var wait = RetryAfter.Of(response.Headers.RetryAfter, _clock.GetUtcNow());
            if (wait is { } w && w.TotalSeconds > _settings.MaxRetryAfterSeconds)
            {
                throw HttpSourceErrors.RetryAfterTooLong(address, w, _settings.MaxRetryAfterSeconds);
            }

            throw new RetriableStatusException(status, wait);
        }

        throw (int)status switch
        {
            >= 300 and < 400 => HttpSourceErrors.Redirected(address, status, response.Headers.Location is { } location ? new Uri(address.Url, location) : null),
            401 or 403 => HttpSourceErrors.KeyRefused(address, status, plan.SecretNames),
            _ => HttpSourceErrors.ClientError(address, status),
        };
    }

    /// <summary>One row: each column's value found by its path and converted, then written; a missing or wrong value fails the list, named.</summary>
    private static void WriteRow(HttpListPlan plan, PageAddress address, ReadOnlyMemory<byte> json, long index, string?[] values, CsvRowWriter csv)
    {
        using var row = JsonDocument.Parse(json);
        for (var i = 0; i < values.Length; i++)
        {
            var column = plan.Columns[i];
            var found = column.Field.Find(row.RootElement);
            if (found.IsMissing)
            {
                throw HttpSourceErrors.MissingField(address, index, column.Column, column.Field, found);
            }

            try
            {
                values[i] = found.Value is { } value ? column.Converter.Convert(value) : null;
            }
            catch (ValueConversionException ex)
            {
                throw HttpSourceErrors.NotConverted(address, index, column.Column, column.Field, ex);
            }
        }

        csv.WriteRow(values);
    }

    /// <summary>JSON (application/json, +json, text/json), or a type that says nothing (text/plain, octet-stream: some APIs).</summary>
    private static bool IsJsonOrUntyped(string mediaType) =>
        mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase)
        || mediaType is "text/plain" or "application/octet-stream" or "binary/octet-stream";

    /// <summary>
    /// Attempts with exponential back-off and jitter (or the API's Retry-After, when it gave one), around a timeout that
    /// covers a whole attempt: the request and the page's body, so a page that trickles in is tried again too.
    /// </summary>
    private ResiliencePipeline BuildPipeline(int timeoutSeconds)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _clock };
        if (_settings.MaxAttempts > 1) // Polly refuses a retry strategy with zero retries
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(_settings.FirstRetryDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(Math.Max(_settings.MaxRetryDelaySeconds, _settings.FirstRetryDelaySeconds)),
                ShouldHandle = new PredicateBuilder()
                    .Handle<RetriableStatusException>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<IOException>(io => !DiskSpace.IsFull(io)),

                // Null keeps the back-off's own delay: the API gave no Retry-After.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is RetriableStatusException { RetryAfter: { } wait } ? wait : (TimeSpan?)null),
            });
        }

        return builder.AddTimeout(TimeSpan.FromSeconds(timeoutSeconds)).Build();
    }

    private sealed record PageRead(JsonPage Page, long Chars);
}
