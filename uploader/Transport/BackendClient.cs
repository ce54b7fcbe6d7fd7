using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Spooling;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PecLists.Uploader.Transport;

/// <summary>
/// Talks to the backend over HTTPS with the site's token. Every call goes through one resilience pipeline:
/// exponential back-off with full jitter, Retry-After honoured (429/503), and a timeout per attempt.
/// The proxy is upload.proxy's, else the system's; the OS certificate store is used as configured on the machine.
/// </summary>
public sealed class BackendClient : IDisposable
{
    private static readonly string UserAgent =
        $"uploader/{Version} ({OsName})";

    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly UploadConfig _upload;

    // What the OS certificate store said of the last server certificate it refused (null: none refused).
    private volatile string? _certificateProblem;

    public BackendClient(string endpoint, UploadConfig upload, HttpMessageHandler? handler = null)
    {
        // The proxy is upload.proxy's: without one, UseProxy stays on and Proxy unset, i.e. HttpClient.DefaultProxy
        // (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, the Windows settings). The certificate callback keeps the OS store's
        // verdict and only notes why it refused.
        handler ??= ProxySetting.Apply(upload.Proxy, new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            Expect100ContinueTimeout = TimeSpan.FromSeconds(5), // not the default 1 s: a backend deciding on a refusal after that gets the body anyway
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = NoteCertificateProblem },
        });
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri(endpoint.TrimEnd('/') + "/"),
            Timeout = Timeout.InfiniteTimeSpan, // the pipeline times each attempt
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        _pipeline = BuildPipeline(upload);
        _upload = upload;
        var proxy = handler switch
        {
            SocketsHttpHandler { UseProxy: true } sockets => sockets.Proxy ?? HttpClient.DefaultProxy,
            HttpClientHandler { UseProxy: true } client => client.Proxy ?? HttpClient.DefaultProxy,
            _ => null,
        };
        Proxy = proxy is not null && !proxy.IsBypassed(_http.BaseAddress) && proxy.GetProxy(_http.BaseAddress) is { } via
            ? new Uri($"{via.Scheme}://{via.Authority}") // without the user-info: proxy credentials are never shown
            : null;
    }

    /// <summary>
    /// A client for doctor and status: one attempt per call, 20 s at most, through <paramref name="proxy"/> (upload.proxy):
    /// they report what they see now instead of retrying around it.
    /// </summary>
    public static BackendClient Once(string endpoint, string? proxy, HttpMessageHandler? handler = null) =>
        new(endpoint, new UploadConfig { MaxAttempts = 1, AttemptTimeoutSeconds = 20, Proxy = proxy }, handler);

    /// <summary>The proxy requests to the endpoint go through (no credentials in it), or null when they go direct.</summary>
    public Uri? Proxy { get; }

    /// <summary>"http://host:port" of <see cref="Proxy"/>, port always shown.</summary>
    public string? ProxyText => Proxy is { } p ? $"{p.Scheme}://{p.Host}:{p.Port}" : null;

    private bool NoteCertificateProblem(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var status = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
        _certificateProblem =
            errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) ? Localized.Text("the server sent no certificate", "o servidor não enviou certificado")
            : status.HasFlag(X509ChainStatusFlags.NotTimeValid) ? Localized.Text(
                "the server's certificate is expired or not yet valid by this machine's clock",
                "o certificado do servidor está vencido ou ainda não é válido pelo relógio desta máquina")
            : errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) ? Localized.Text(
                "the server's certificate is not trusted by this machine",
                "o certificado do servidor não é confiável para esta máquina")
            : Localized.Text("the server's certificate was issued for another name", "o certificado do servidor foi emitido para outro nome");
        return false;
    }

    public static ResiliencePipeline<HttpResponseMessage> BuildPipeline(UploadConfig upload)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (upload.MaxAttempts > 1) // Polly refuses a retry strategy with zero retries; one attempt means no retry at all
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = upload.MaxAttempts - 1,
                Delay = TimeSpan.FromSeconds(upload.FirstRetryDelaySeconds),
                MaxDelay = TimeSpan.FromMinutes(5),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<IOException>()
                    .HandleResult(r => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryAfter(args.Outcome.Result) ?? FullJitter(upload.FirstRetryDelaySeconds, args.AttemptNumber)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.AddTimeout(TimeSpan.FromSeconds(upload.AttemptTimeoutSeconds)).Build();
    }

    /// <summary>
    /// Exponential back-off with full jitter: a uniform delay between 0 and first × 2^attempt (capped at 5 min), so
    /// sites that failed together do not retry together.
    /// </summary>
    public static TimeSpan FullJitter(double firstDelaySeconds, int attempt)
    {
        var ceiling = Math.Min(300, firstDelaySeconds * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromSeconds(Random.Shared.NextDouble() * ceiling);
    }

    /// <summary>The server's Retry-After (seconds or date), capped; null lets the back-off decide.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } d && d > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(d.Ticks, TimeSpan.FromMinutes(10).Ticks)) : null;
    }

    public async Task<ListCatalogDto> GetListsAsync(string token, CancellationToken ct) =>
        (await GetListsAsync(token, null, ct)).Catalog!;

    /// <summary>The list definitions; with <paramref name="etag"/>, Catalog is null when they did not change (304).</summary>
    public async Task<(ListCatalogDto? Catalog, string? ETag)> GetListsAsync(string token, string? etag, CancellationToken ct)
    {
        try
        {
            return await FetchListsAsync(token, etag, ct);
        }
        catch (HttpRequestException ex) when (Redact.Credentials(ex.Message) != ex.Message)
        {
            throw new HttpRequestException(ex.HttpRequestError, Redact.Credentials(ex.Message), ex.InnerException, ex.StatusCode); // run logs print it
        }
    }

    /// <summary>
    /// A GET of <paramref name="path"/> with the site token, retried by the transport pipeline. Throws
    /// <see cref="BackendAuthException"/> when the token is refused; any other answer is the caller's to read.
    /// </summary>
    private async Task<HttpResponseMessage> GetAsSiteAsync(string token, string path, HttpCompletionOption completion, CancellationToken ct, Action<HttpRequestMessage>? shape = null)
    {
        var response = await _pipeline.ExecuteAsync(async attemptCt =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.Relative(path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            shape?.Invoke(request);
            return await _http.SendAsync(request, completion, attemptCt);
        }, ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            throw new BackendAuthException();
        }

        return response;
    }

    private async Task<(ListCatalogDto? Catalog, string? ETag)> FetchListsAsync(string token, string? etag, CancellationToken ct)
    {
        using var response = await _pipeline.ExecuteAsync(async attemptCt =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.Relative(ApiRoutes.Lists));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (etag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            }

            return await _http.SendAsync(request, attemptCt);
        }, ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new BackendAuthException();
        }

        if (response.StatusCode == HttpStatusCode.NotModified && etag is not null)
        {
            return (null, etag);
        }

        response.EnsureSuccessStatusCode();
        var catalog = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ListCatalogDto, ct) ?? new ListCatalogDto([]);
        return (catalog, response.Headers.ETag?.ToString());
    }

    /// <summary>
    /// The backend's acknowledged cursor of an incremental list for this site (GET <see cref="ApiRoutes.ListCursor"/>):
    /// what the latest loaded delivery carried; a <see cref="ListCursorDto"/> of nulls when nothing was loaded, and also
    /// when the backend does not know the route or the list (404: a backend before ADR 0022; the run then sends a whole
    /// snapshot, which is always right) or answers without a body (204). A body that is not the cursor's JSON throws
    /// <see cref="JsonException"/>. Throws <see cref="BackendAuthException"/> for a refused token and the transport's
    /// exceptions when the backend is out of reach (the run then uses the cursor it cached the last time).
    /// </summary>
    public async Task<ListCursorDto> GetListCursorAsync(string token, string list, CancellationToken ct)
    {
        using var response = await GetAsSiteAsync(token, ApiRoutes.ListCursorPath(list), HttpCompletionOption.ResponseContentRead, ct);

        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NoContent)
        {
            return new ListCursorDto(list, null, null, null, null);
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ListCursorDto, ct) ?? new ListCursorDto(list, null, null, null, null);
    }

    /// <summary>
    /// The problem codes that say the snapshot's content itself is wrong (ingest's checks of the body and the id): only
    /// these send it to quarantine. Every other 4xx (but 401/403, 408, 429) leaves it spooled: a resend can fix it.
    /// </summary>
    private static readonly HashSet<string> ContentIsWrong =
    [
        ProblemCodes.BadCsvHeader, ProblemCodes.BadEncoding, ProblemCodes.BadGzip, ProblemCodes.TooLarge,
        ProblemCodes.SnapshotConflict, ProblemCodes.BadSnapshotId,
    ];

    /// <summary>
    /// Sends a spooled snapshot: one PUT up to upload.blockUploadAboveBytes, in blocks through an upload session above
    /// (docs/adr/0021). A body that arrived damaged (400 bad-digest) is sent once more at once.
    /// </summary>
    public async Task<UploadResult> UploadAsync(string token, SpooledSnapshot snapshot, CancellationToken ct, Action<long, long>? sent = null)
    {
        byte[] sha256;
        long length;
        await using (var file = File.OpenRead(snapshot.Path))
        {
            length = file.Length;
            sha256 = await SHA256.HashDataAsync(file, ct);
        }

        var inBlocks = length > _upload.BlockUploadAboveBytes;
        var result = inBlocks ? await UploadInBlocksAsync(token, snapshot, sha256, length, sent, ct) : await UploadOnceAsync(token, snapshot, sha256, sent, ct);
        return result is { Outcome: UploadOutcome.Deferred, Code: ProblemCodes.BadDigest }
            ? inBlocks ? await UploadInBlocksAsync(token, snapshot, sha256, length, sent, ct) : await UploadOnceAsync(token, snapshot, sha256, sent, ct)
            : result;
    }

    private async Task<UploadResult> UploadOnceAsync(string token, SpooledSnapshot snapshot, byte[] sha256, Action<long, long>? sent, CancellationToken ct)
    {
        var digest = ContentDigest.Format(sha256);
        try
        {
            using var response = await _pipeline.ExecuteAsync(async attemptCt =>
            {
                await using Stream body = sent is null ? File.OpenRead(snapshot.Path) : new ProgressReadStream(File.OpenRead(snapshot.Path), sent);
                using var request = SnapshotUploadRequest.Create(token, snapshot.List, snapshot.SnapshotId, snapshot.ExtractedAt, new StreamContent(body, 1 << 16), digest, snapshot.Kind, snapshot.Cursor?.ToString());
                request.Headers.ExpectContinue = true; // the server can refuse (401, 413, 429) before the body is sent
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCt);
            }, ct);
            return await ResultOfAsync(response, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return new UploadResult(UploadOutcome.Unreachable, null, FailureCategoryOf(ex), Redact.Credentials(ex.Message));
        }
    }

    /// <summary>
    /// The block path: ask for a session (which says which blocks the backend already has), stage the others straight
    /// into Blob storage, each with its own retries, and ask the backend to commit. A new session when the SAS expired
    /// on the way (403 from storage) or the commit found blocks missing; at most <see cref="MaxSessions"/> per run.
    /// </summary>
    private async Task<UploadResult> UploadInBlocksAsync(string token, SpooledSnapshot snapshot, byte[] sha256, long length, Action<long, long>? sent, CancellationToken ct)
    {
        var declared = new UploadSessionRequestDto(ContentDigest.Format(sha256), length, SnapshotUploadRequest.FormatExtractedAt(snapshot.ExtractedAt));
        var stager = new BlockStager(_http, _pipeline);
        UploadResult? last = null;
        try
        {
            for (var session = 0; session < MaxSessions; session++)
            {
                var (opened, answer) = await OpenSessionAsync(token, snapshot, declared, ct);
                if (opened is null)
                {
                    return answer!;
                }

                var staged = await stager.StageMissingAsync(opened, snapshot.Path, sha256, length, sent, ct);
                if (staged is null)
                {
                    continue; // the SAS expired or was refused: another session
                }

                var (_, committed) = await PostJsonAsync(token, snapshot, ApiRoutes.UploadCommitPath(snapshot.List, snapshot.SnapshotId), declared, ct);
                last = committed with { Blocks = staged };
                if (last is not { Outcome: UploadOutcome.Deferred, Code: ProblemCodes.UploadIncomplete })
                {
                    return last;
                }
            }

            return last ?? new UploadResult(UploadOutcome.Deferred, HttpStatusCode.Forbidden, ProblemCodes.UploadIncomplete,
                Localized.Text("Blob storage refused the upload session's blocks", "o armazenamento de blobs recusou os blocos da sessão de envio"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return new UploadResult(UploadOutcome.Unreachable, null, FailureCategoryOf(ex), Redact.Credentials(ex.Message));
        }
    }

    /// <summary>Sessions per run: one, one more after a SAS expired, one more after blocks went missing.</summary>
    private const int MaxSessions = 3;

    /// <summary>The session, or (null, the answer) when there is nothing to send: already received (202) or refused.</summary>
    private async Task<(UploadSessionDto? Session, UploadResult? Answer)> OpenSessionAsync(string token, SpooledSnapshot snapshot, UploadSessionRequestDto declared, CancellationToken ct)
    {
        var (session, result) = await PostJsonAsync(token, snapshot, ApiRoutes.UploadSessionPath(snapshot.List, snapshot.SnapshotId), declared, ct);
        return session is not null ? (session, null) : (null, result);
    }

    /// <summary>
    /// POSTs the declared snapshot, with its delivery kind and cursor as a PUT would carry them; a 200 answer is read as
    /// a session, any other as an upload's answer.
    /// </summary>
    private async Task<(UploadSessionDto? Session, UploadResult Result)> PostJsonAsync(string token, SpooledSnapshot snapshot, string path, UploadSessionRequestDto declared, CancellationToken ct)
    {
        using var response = await _pipeline.ExecuteAsync(async attemptCt =>
        {
            // Bytes, not JsonContent: the Functions host forwards a body only with a Content-Length.
            var json = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(declared, ContractsJsonContext.Default.UploadSessionRequestDto));
            json.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Relative(path)) { Content = json };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            SnapshotUploadRequest.AddDelivery(request, snapshot.Kind, snapshot.Cursor?.ToString());
            return await _http.SendAsync(request, attemptCt);
        }, ct);
        if (response.StatusCode == HttpStatusCode.OK
            && await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.UploadSessionDto, ct) is { } session)
        {
            return (session, new UploadResult(UploadOutcome.Accepted, response.StatusCode, null, null));
        }

        return (null, await ResultOfAsync(response, ct));
    }

    /// <summary>What an answer to a PUT or a commit means for the spooled snapshot.</summary>
    private static async Task<UploadResult> ResultOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            return new UploadResult(UploadOutcome.Accepted, response.StatusCode, null, null);
        }

        // The error body is read under its own timeout: a proxy that sends headers and stalls must not hang the run.
        using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        readTimeout.CancelAfter(TimeSpan.FromSeconds(30));
        var problem = await ProblemReader.ReadAsync(response, readTimeout.Token);
        var outcome = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => UploadOutcome.Unauthorized,
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => UploadOutcome.Unreachable,
            >= HttpStatusCode.InternalServerError => UploadOutcome.Unreachable,
            _ when problem.Code is { } code && ContentIsWrong.Contains(code) => UploadOutcome.Rejected,
            _ => UploadOutcome.Deferred,
        };
        return new UploadResult(outcome, response.StatusCode, problem.Code, problem.Detail);
    }

    /// <summary>
    /// The failure category (contracts' <see cref="FailureCategories"/>) of a request that got no answer: a TLS failure,
    /// or any transport failure through a configured proxy (every byte goes through it, so it is the first thing the
    /// municipality's IT checks), is tls-proxy; anything else is the network.
    /// </summary>
    public string FailureCategoryOf(Exception ex) => ex switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError } => FailureCategories.TlsProxy,
        HttpRequestException or IOException when Proxy is not null => FailureCategories.TlsProxy,
        _ => FailureCategories.Network,
    };

    /// <summary>
    /// Tells the backend the list's rows are those it holds (POST <see cref="ApiRoutes.UnchangedDelivery"/>: no payload,
    /// the digest, row count and list version in a few hundred bytes of JSON). Never throws for the transport: an answer
    /// that is not a 200 (a refusal, an old backend's 404, no answer at all) is "not honoured", and the run sends the
    /// list whole (docs/adr/0024-unchanged-deliveries.md).
    /// </summary>
    public async Task<UnchangedAnswer> SendUnchangedAsync(string token, string list, Guid snapshotId, DateTimeOffset extractedAt, UnchangedDeliveryDto claim, CancellationToken ct)
    {
        try
        {
            using var response = await _pipeline.ExecuteAsync(async attemptCt =>
            {
                using var request = SnapshotUploadRequest.CreateUnchanged(token, list, snapshotId, extractedAt, claim);
                return await _http.SendAsync(request, attemptCt);
            }, ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return new UnchangedAnswer(true, response.StatusCode, null, null);
            }

            using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            readTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            var problem = await ProblemReader.ReadAsync(response, readTimeout.Token);
            return new UnchangedAnswer(false, response.StatusCode, problem.Code, problem.Detail);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return new UnchangedAnswer(false, null, FailureCategoryOf(ex), Redact.Credentials(ex.Message));
        }
    }

    /// <summary>Sends the health report; false (never an exception) when the backend cannot be reached or refuses it.</summary>
    public async Task<bool> SendHeartbeatAsync(string token, HeartbeatDto heartbeat, CancellationToken ct)
    {
        try
        {
            using var response = await _pipeline.ExecuteAsync(async attemptCt =>
            {
                // Bytes, not JsonContent: JsonContent goes chunked, and the Functions host forwards a body only when the
                // request has a Content-Length (chunked heartbeats never reach the function app).
                var json = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(heartbeat, ContractsJsonContext.Default.HeartbeatDto));
                json.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Relative(ApiRoutes.Heartbeats)) { Content = json };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return await _http.SendAsync(request, attemptCt);
            }, ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// The signed release manifest the backend offers this site for <paramref name="runtime"/>, or null when it offers
    /// none (404: no release, or a backend from before releases), and the version the operator cleared for this site
    /// (<see cref="WireNames.ReleaseClearedHeader"/>: it may be tried again though it was rolled back here). Throws <see cref="BackendAuthException"/> for a refused
    /// token and the transport's exceptions when the backend is out of reach. Nothing in it is trusted before
    /// <see cref="Updating.ReleaseCheck"/> has verified it.
    /// </summary>
    public async Task<(ReleaseManifestDto? Manifest, string? Cleared)> GetReleaseManifestAsync(string token, string runtime, CancellationToken ct)
    {
        using var response = await GetAsSiteAsync(token, ApiRoutes.ReleaseManifestPath(runtime), HttpCompletionOption.ResponseContentRead, ct);

        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NoContent)
        {
            return (null, null);
        }

        response.EnsureSuccessStatusCode();
        var cleared = response.Headers.TryGetValues(WireNames.ReleaseClearedHeader, out var values) ? values.FirstOrDefault() : null;
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ReleaseManifestDto, ct), cleared);
    }

    /// <summary>
    /// Appends a release's binary to <paramref name="partial"/>, resuming after the bytes it already holds (RFC 9110
    /// §14.2: <c>Range: bytes=n-</c>, with <c>If-Range</c> naming the signed SHA-256 the backend sends as the binary's
    /// ETag, so a store whose file changed answers with all of it). A 200 answer (the whole file: a store or proxy that
    /// ignores ranges) starts the file over; a 206 that does not start where asked, or a 416 (the file holds more than
    /// the store has), empties it for the next attempt. At most the manifest's size + 1 bytes in all (one more tells a
    /// padded file from a right one without reading an endless one). A transfer cut midway throws the transport's
    /// exceptions, with what arrived kept in <paramref name="partial"/> for the next attempt.
    /// </summary>
    public async Task DownloadReleaseAsync(string token, ReleaseManifestDto manifest, FileStream partial, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(partial);
        var from = partial.Length;
        using var response = await GetAsSiteAsync(token, ApiRoutes.ReleaseBinaryPath(manifest.Version, manifest.Runtime), HttpCompletionOption.ResponseHeadersRead, ct, request =>
        {
            if (from > 0)
            {
                request.Headers.Range = new RangeHeaderValue(from, null);
                request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{manifest.Sha256}\""));
            }
        });

        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            partial.SetLength(0);
            return;
        }

        response.EnsureSuccessStatusCode();
        if (response.StatusCode == HttpStatusCode.PartialContent && (from == 0 || response.Content.Headers.ContentRange?.From != from))
        {
            partial.SetLength(0); // a range other than the one asked for: its bytes do not belong here
            return;
        }

        var have = response.StatusCode == HttpStatusCode.PartialContent ? from : 0;
        partial.SetLength(have);
        partial.Seek(have, SeekOrigin.Begin);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[1 << 16];
        var limit = manifest.Size + 1;
        int read;
        while (have < limit && (read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - have)), ct)) > 0)
        {
            await partial.WriteAsync(buffer.AsMemory(0, read), ct);
            have += read;
        }

        await partial.FlushAsync(ct);
    }

    /// <summary>GET a sent snapshot's status: the answer's HTTP status and, with 200, the snapshot's; a null status when unreachable.</summary>
    public async Task<SnapshotStatusAnswer> GetSnapshotStatusAsync(string? token, Guid snapshotId, CancellationToken ct)
    {
        try
        {
            using var response = await _pipeline.ExecuteAsync(async attemptCt =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.Relative(ApiRoutes.SnapshotStatusPath(snapshotId)));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return await _http.SendAsync(request, attemptCt);
            }, ct);
            return response.StatusCode == HttpStatusCode.OK
                ? new SnapshotStatusAnswer(response.StatusCode, await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.SnapshotStatusDto, ct))
                : new SnapshotStatusAnswer(response.StatusCode, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return new SnapshotStatusAnswer(null, null);
        }
    }

    /// <summary>
    /// One health probe. <paramref name="Degraded"/>: what the backend says is down ("database: down: …"), null when it
    /// reports ok or says nothing (older backends answered only {"status":"ok"}).
    /// </summary>
    public sealed record Probe(HttpStatusCode? Status, DateTimeOffset? ServerTime, string? Error, ProbeFailure Failure = ProbeFailure.None, string? Degraded = null);

    /// <summary>GET /api/v1/health once (no retries): reachability through DNS, TLS and any proxy, and the server's clock.</summary>
    public async Task<Probe> ProbeAsync(CancellationToken ct)
    {
        _certificateProblem = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            using var response = await _http.GetAsync(ApiRoutes.Relative(ApiRoutes.Health), timeout.Token);
            return response.IsSuccessStatusCode
                ? new Probe(response.StatusCode, response.Headers.Date, null, Degraded: await ReadDegradedAsync(response, timeout.Token))
                : new Probe(response.StatusCode, response.Headers.Date, $"HTTP {(int)response.StatusCode}", ProbeFailure.Status);
        }
        catch (HttpRequestException ex)
        {
            var target = $"{_http.BaseAddress!.Host}:{_http.BaseAddress.Port}";
            var status = ex.StatusCode is { } s ? $" (HTTP {(int)s})" : string.Empty;
            return ex.HttpRequestError switch
            {
                HttpRequestError.SecureConnectionError when _certificateProblem is { } problem => new Probe(null, null, problem, ProbeFailure.Certificate),
                HttpRequestError.SecureConnectionError => new Probe(null, null, Localized.Text("TLS handshake failed", "falha na negociação TLS"), ProbeFailure.Tls),
                HttpRequestError.ProxyTunnelError => new Probe(null, null, Localized.Text(
                    $"the proxy {ProxyText} would not open a tunnel to {target}{status}",
                    $"o proxy {ProxyText} não abriu um túnel para {target}{status}"), ProbeFailure.ProxyRefused),
                HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError when Proxy is not null => new Probe(null, null, Localized.Text(
                    $"cannot connect to the proxy {ProxyText}",
                    $"não foi possível conectar ao proxy {ProxyText}"), ProbeFailure.ProxyUnreachable),
                _ when Proxy is not null => new Probe(null, null, Localized.Text(
                    $"the request through the proxy {ProxyText} failed ({ex.HttpRequestError})",
                    $"a requisição pelo proxy {ProxyText} falhou ({ex.HttpRequestError})"), ProbeFailure.Network),
                _ => new Probe(null, null, ex.Message, ProbeFailure.Network), // .NET's messages can quote the proxy's credentials: not used with one
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Probe(null, null, Localized.Text("no answer within 20 s", "sem resposta em 20 s"), ProbeFailure.Network);
        }
    }

    /// <summary>From {"status":"degraded","checks":{"database":"down: …"}}: the checks not ok, as "name: state"; tolerant of anything else.</summary>
    private static async Task<string?> ReadDegradedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var json = await System.Text.Json.JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            var root = json.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object || !root.TryGetProperty("status", out var status)
                || status.ValueKind != System.Text.Json.JsonValueKind.String || status.GetString() == HealthStatuses.Ok)
            {
                return null;
            }

            var down = root.TryGetProperty("checks", out var checks) && checks.ValueKind == System.Text.Json.JsonValueKind.Object
                ? checks.EnumerateObject().Where(c => c.Value.ValueKind == System.Text.Json.JsonValueKind.String && c.Value.GetString() != HealthStatuses.Ok)
                    .Select(c => $"{c.Name}: {c.Value.GetString()}").ToList()
                : [];
            return down.Count > 0 ? string.Join("; ", down) : status.GetString();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    public static string Version => ReleaseIdentity.Version;

    /// <summary>This machine's OS as the heartbeat and the User-Agent name it.</summary>
    public static string OsName => OperatingSystem.IsWindows() ? OsNames.Windows : OsNames.Linux;

    public void Dispose() => _http.Dispose();
}
