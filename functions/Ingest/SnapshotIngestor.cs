using System.Globalization;
using System.Security.Cryptography;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace PecLists.Functions.Ingest;

/// <summary>
/// PUT /api/v1/lists/{list}/snapshots/{snapshotId}: checks everything first, then stores the blob, records the
/// snapshot and queues a reference. A repeat of the same id and digest answers the same and queues nothing twice.
/// </summary>
public sealed partial class SnapshotIngestor(
    ListCatalog lists,
    SnapshotStore store,
    LoadQueue queue,
    SnapshotLedger ledger,
    SpoolSpace spool,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<SnapshotIngestor> logger,
    PipelineMetrics metrics)
{
    /// <summary>The PUT, plus the business event of a snapshot refused for what it is (4xx other than auth and rate limits).</summary>
    public async Task<IResult> PutAsync(HttpContext context, string site, string list, string snapshotIdText) =>
        LogIfRejected(await PutCheckedAsync(context, site, list, snapshotIdText), "ingest", site, list, snapshotIdText);

    /// <summary>Logs the business event of a snapshot refused for what it is (4xx other than auth and rate limits) at <paramref name="stage"/>.</summary>
    internal IResult LogIfRejected(IResult result, string stage, string site, string list, string snapshotIdText)
    {
        if (result is ProblemHttpResult { StatusCode: >= 400 and < 500 and not 401 and not 403 and not 429 } problem)
        {
            // The list and id as sent are only echoed when they have the shape of a list name and a UUID.
            logger.SnapshotRejected(
                Guid.TryParseExact(snapshotIdText, "D", out var id) ? id.ToString("D") : "malformed",
                stage,
                site,
                ListDefinitionRules.ListName().IsMatch(list) ? list : "malformed",
                problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code?.ToString() ?? "unknown" : "unknown",
                FailureCategories.SnapshotRejected);
        }

        return result;
    }

    private async Task<IResult> PutCheckedAsync(HttpContext context, string site, string list, string snapshotIdText)
    {
        var ct = context.RequestAborted;
        var request = context.Request;
        var limits = options.Value;

        // Under the Functions host a body without Content-Length (chunked) is not forwarded at all: refuse before reading.
        if (request.ContentLength is null or 0)
        {
            return Problems.Result(411, ProblemCodes.LengthRequired, "Content-Length required",
                "Send the snapshot with a Content-Length; chunked uploads reach the function app without their body.");
        }

        // The active version first, then earlier ones: a site that fetched its definitions before a new version was
        // activated (or spooled a snapshot for days) still sends a valid snapshot, loaded with the version it matches.
        var versions = ListDefinitionRules.ListName().IsMatch(list) ? await lists.CandidatesAsync(list, ct) : [];
        if (versions.Count == 0)
        {
            return Problems.Result(404, ProblemCodes.UnknownList, "Unknown list", "This list is not defined or not active on the server.");
        }

        if (!Guid.TryParseExact(snapshotIdText, "D", out var snapshotId) || snapshotId == Guid.Empty)
        {
            return Problems.Result(400, ProblemCodes.BadSnapshotId, "Bad snapshot id", "The snapshot id must be a UUID (the uploader makes a UUIDv7).");
        }

        // The Functions host drops Content-Encoding (a content header) when it forwards the request, so its absence is
        // normal there: the body's gzip magic bytes decide after spooling. Any coding other than exactly gzip is refused.
        var encoding = request.Headers.ContentEncoding;
        var declared = !StringValues.IsNullOrEmpty(encoding);
        if (declared && !(encoding.Count == 1 && string.Equals(encoding.ToString().Trim(), WireNames.GzipEncoding, StringComparison.OrdinalIgnoreCase)))
        {
            return UnsupportedEncoding();
        }

        if (!ContentDigest.TryParseSha256(request.Headers[WireNames.ContentDigestHeader].ToString(), out var claimedDigest))
        {
            return Problems.Result(400, ProblemCodes.BadDigest, "Missing or malformed Content-Digest", "Send 'Content-Digest: sha-256=:<base64>:' of the compressed body.");
        }

        if (!TryParseExtractedAt(request.Headers[WireNames.ExtractedAtHeader].ToString(), out var extractedAt))
        {
            return Problems.Result(400, ProblemCodes.BadExtractedAt, "Missing or malformed X-Extracted-At", "Send the extraction time as RFC 3339 with an offset, not in the future.");
        }

        // The id is made from the extraction time (UUIDv7): an id that says another time would be ordered wrongly.
        if (!SnapshotIds.Matches(snapshotId, extractedAt))
        {
            return Problems.Result(400, ProblemCodes.BadSnapshotId, "Snapshot id does not match X-Extracted-At",
                "The snapshot id must be the UUIDv7 made from the time sent in X-Extracted-At (to the millisecond).");
        }

        // What the delivery holds and up to where (X-Delivery, X-Cursor): refused before the body is read.
        if (DeliveryCheck.TryRead(request.Headers, versions, out var delivery) is { } deliveryProblem)
        {
            return deliveryProblem;
        }

        if (request.ContentLength > limits.MaxCompressedBytes)
        {
            return Problems.Result(413, ProblemCodes.TooLarge, "Snapshot too large", $"The compressed body exceeds {limits.MaxCompressedBytes} bytes.");
        }

        // The spool folder's bound (docs/adr/0011): room for the whole body is checked before a byte is written.
        using var room = spool.TryReserve(request.ContentLength.Value);
        if (room is null)
        {
            logger.SpoolFull(site, list, request.ContentLength.Value, $"{spool.FreeBytes} bytes free");
            return SpoolSpace.NoRoom(context);
        }

        var tempPath = Path.Combine(spool.Directory, $"ingest-{Guid.NewGuid():N}.csv.gz");
        try
        {
            (long Length, byte[] Sha256)? spooled;
            try
            {
                spooled = await SpoolAsync(request.Body, tempPath, limits.MaxCompressedBytes, room, ct);
            }
            catch (IOException e) when (SpoolSpace.IsDiskFull(e))
            {
                logger.SpoolFull(site, list, request.ContentLength.Value, "disk full");
                return SpoolSpace.NoRoom(context);
            }

            if (spooled is null)
            {
                return Problems.Result(413, ProblemCodes.TooLarge, "Snapshot too large", $"The compressed body exceeds {limits.MaxCompressedBytes} bytes.");
            }

            var (length, actualDigest) = spooled.Value;
            return await AcceptSpooledAsync(
                new SpooledUpload(tempPath, length, actualDigest, claimedDigest, declared, delivery, site, list, snapshotId, extractedAt, request.Headers.UserAgent.ToString()), ct);
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    /// <summary>
    /// The checks of a body that has arrived whole in the spool (a PUT's, or a committed block blob's): gzip magic, digest,
    /// gzip integrity and trailer, UTF-8, header against the list's versions; then stored once, recorded and queued.
    /// </summary>
    internal async Task<IResult> AcceptSpooledAsync(SpooledUpload upload, CancellationToken ct)
    {
        if (!upload.EncodingDeclared && !await StartsWithGzipMagicAsync(upload.Path, ct))
        {
            return UnsupportedEncoding();
        }

        if (!CryptographicOperations.FixedTimeEquals(upload.Sha256, upload.ClaimedSha256))
        {
            return Problems.Result(400, ProblemCodes.BadDigest, "Content-Digest does not match the body", "The body was altered or truncated in transit; send it again.");
        }

        ListDefinition version;
        await using (var check = File.OpenRead(upload.Path))
        {
            var verdict = await SnapshotBodyCheck.CheckAsync(check, [.. upload.Delivery.Versions.Select(v => DeliveryCheck.ExpectedHeader(v, upload.Delivery.Kind))], options.Value.MaxDecompressedBytes, ct);
            if (verdict.Verdict != BodyVerdict.Ok)
            {
                return BodyProblem(verdict);
            }

            version = upload.Delivery.Versions[verdict.MatchedHeader];
        }

        var digest = ContentDigest.Format(upload.Sha256);
        var location = ApiRoutes.SnapshotStatusPath(upload.SnapshotId);
        var reference = new LoadMessage(upload.SnapshotId, upload.Site, upload.List, SnapshotStore.BlobName(upload.Site, upload.List, upload.ExtractedAt, upload.SnapshotId), upload.ExtractedAt);
        if (await ledger.FindAsync(upload.SnapshotId, ct) is { } existing)
        {
            return await RepeatAsync(existing, reference, digest, upload.Delivery, location, ct);
        }

        await using (var content = File.OpenRead(upload.Path))
        {
            var storedDigest = await store.TryCreateAsync(reference, version.Version, digest, upload.Delivery.Kind, upload.Delivery.Cursor, content, ct);
            if (storedDigest is not null && storedDigest != digest)
            {
                return Conflict();
            }
        }

        var recorded = await ledger.RecordReceivedAsync(
            new NewSnapshot(upload.SnapshotId, upload.Site, upload.List, reference.Blob, digest, upload.Length, upload.ExtractedAt, upload.UserAgent, version.Version, upload.Delivery.Kind, upload.Delivery.Cursor), ct);
        if (!recorded)
        {
            // A concurrent PUT of the same id won the race: answer as a repeat.
            return await RepeatAsync((await ledger.FindAsync(upload.SnapshotId, ct))!, reference, digest, upload.Delivery, location, ct);
        }

        await EnqueueAsync(reference, ct);
        logger.SnapshotReceived(upload.SnapshotId, upload.Site, upload.List, version.Version, upload.Length, UploaderVersion(upload.UserAgent));
        metrics.Received(upload.List, upload.Length);
        return Accepted(location, upload.SnapshotId);
    }

    /// <summary>
    /// The answer to a snapshot already received (the same as to a repeated PUT: 202, or 409 for other content under
    /// its id), or null when it was not: a commit whose answer was lost is not sent again.
    /// </summary>
    internal async Task<IResult?> RepeatIfReceivedAsync(string site, string list, DeclaredUpload upload, CancellationToken ct)
    {
        if (await ledger.FindAsync(upload.SnapshotId, ct) is not { } existing)
        {
            return null;
        }

        var reference = new LoadMessage(upload.SnapshotId, site, list, SnapshotStore.BlobName(site, list, upload.ExtractedAt, upload.SnapshotId), upload.ExtractedAt);
        return await RepeatAsync(existing, reference, ContentDigest.Format(upload.Sha256), upload.Delivery, ApiRoutes.SnapshotStatusPath(upload.SnapshotId), ct);
    }

    private async Task<IResult> RepeatAsync(SnapshotRecord existing, LoadMessage reference, string digest, Delivery delivery, string location, CancellationToken ct)
    {
        if (existing.Site != reference.Site || existing.List != reference.List || existing.Digest != digest
            || existing.DeliveryKind != delivery.Kind || existing.Cursor != delivery.Cursor)
        {
            return Conflict();
        }

        // Stored but not queued: the request that recorded it is queueing it now (a concurrent repeat), or died before
        // it could. Only a stale claim is taken over, so a snapshot is queued once, not once per repeat.
        if (SnapshotLifecycle.NeedsQueueing(existing.Status) && await ledger.TryClaimQueueingAsync(reference.SnapshotId, ct))
        {
            await EnqueueAsync(reference, ct);
        }

        return Accepted(location, reference.SnapshotId);
    }

    private async Task EnqueueAsync(LoadMessage reference, CancellationToken ct)
    {
        await queue.EnqueueAsync(reference, ct);
        await ledger.MarkQueuedAsync(reference.SnapshotId, ct);
    }

    private static IResult Accepted(string location, Guid snapshotId) =>
        TypedResults.Accepted(location, new { snapshotId, status = SnapshotStatuses.Queued });

    private static IResult UnsupportedEncoding() =>
        Problems.Result(415, ProblemCodes.UnsupportedEncoding, "Unsupported Content-Encoding",
            "Send the CSV compressed with gzip ('Content-Encoding: gzip', or no Content-Encoding and a gzip body); no other coding is accepted.");

    private static async Task<bool> StartsWithGzipMagicAsync(string path, CancellationToken ct)
    {
        var magic = new byte[2];
        await using var file = File.OpenRead(path);
        return await file.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, ct) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    internal static IResult Conflict() =>
        Problems.Result(409, ProblemCodes.SnapshotConflict, "Snapshot id already used with other content",
            "This snapshot id was already sent with a different body (or another X-Delivery or X-Cursor). The uploader must make a new id for new content.");

    private static IResult BodyProblem(BodyCheckResult verdict) => verdict.Verdict switch
    {
        BodyVerdict.TooLarge => Problems.Result(413, ProblemCodes.TooLarge, "Snapshot too large", verdict.Detail),
        BodyVerdict.BadHeader => Problems.Result(400, ProblemCodes.BadCsvHeader, "CSV header does not match the list", verdict.Detail),
        BodyVerdict.BadEncoding => Problems.Result(400, ProblemCodes.BadEncoding, "CSV is not UTF-8", verdict.Detail),
        BodyVerdict.Empty => Problems.Result(400, ProblemCodes.BadCsvHeader, "Empty CSV", verdict.Detail),
        _ => Problems.Result(400, ProblemCodes.BadGzip, "Body is not valid gzip", "The compressed body could not be decompressed; send it again."),
    };

    internal bool TryParseExtractedAt(string value, out DateTimeOffset extractedAt)
    {
        // RFC 3339 requires an explicit offset; allow 5 minutes of clock skew into the future.
        extractedAt = default;
        var ok = value.Length is > 0 and <= 40
            && (value.EndsWith('Z') || value.LastIndexOfAny(['+', '-']) > 10)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out extractedAt)
            && extractedAt.Year >= 2000;
        if (!ok)
        {
            return false;
        }

        return extractedAt <= time.GetUtcNow().AddMinutes(5);
    }

    internal static async Task<(long Length, byte[] Sha256)?> SpoolAsync(Stream body, string path, long max, SpoolSpace.Reservation room, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > max)
            {
                return null;
            }

            hash.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
            room.Wrote(read);
        }

        // Here, not in DisposeAsync: a full disk at the last write is reported like any other.
        await file.FlushAsync(ct);
        return (total, hash.GetHashAndReset());
    }

    /// <summary>"uploader/1.2.3 (windows)" → "1.2.3"; anything else → "unknown" (a User-Agent is free text: never echoed).</summary>
    public static string UploaderVersion(string userAgent) =>
        UploaderAgent().Match(userAgent) is { Success: true } match ? match.Groups["version"].Value : "unknown";

    [System.Text.RegularExpressions.GeneratedRegex(@"^uploader/(?<version>[0-9]{1,4}(\.[0-9]{1,4}){0,3})\b")]
    private static partial System.Text.RegularExpressions.Regex UploaderAgent();
}
