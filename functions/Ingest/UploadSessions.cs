using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Lists;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Ingest;

/// <summary>
/// The block path of a large or slow snapshot (docs/adr/0021): POST .../upload-session answers a write-only SAS for the
/// snapshot's staging blob and the blocks already there; POST .../commit commits the blocks, reads the blob into the
/// spool and runs exactly the PUT's checks before storing, recording and queueing it. The site is the token's, so a
/// site reaches only its own staging blobs; the SAS reaches one blob, so it cannot touch another snapshot.
/// </summary>
public sealed class UploadSessions(
    ListCatalog lists,
    UploadStaging staging,
    SnapshotIngestor ingestor,
    SpoolSpace spool,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<UploadSessions> logger)
{
    public async Task<IResult> OpenAsync(HttpContext context, string site, string list, string snapshotIdText) =>
        ingestor.LogIfRejected(await OpenCheckedAsync(context, site, list, snapshotIdText), "upload-session", site, list, snapshotIdText);

    public async Task<IResult> CommitAsync(HttpContext context, string site, string list, string snapshotIdText) =>
        ingestor.LogIfRejected(await CommitCheckedAsync(context, site, list, snapshotIdText), "commit", site, list, snapshotIdText);

    private async Task<IResult> OpenCheckedAsync(HttpContext context, string site, string list, string snapshotIdText)
    {
        var ct = context.RequestAborted;
        var (upload, answer) = await ReadNewUploadAsync(context, site, list, snapshotIdText);
        if (upload is null)
        {
            return answer!;
        }

        var limits = options.Value;
        var blobName = UploadStaging.BlobName(site, list, upload.SnapshotId);
        var expiresOn = time.GetUtcNow().AddMinutes(limits.UploadSessionMinutes);
        var sas = UploadStaging.ForSites(await staging.WriteOnlySasAsync(blobName, expiresOn, ct), limits.SiteBlobEndpoint);
        var blocks = await staging.BlocksAsync(blobName, ct);
        var count = UploadBlocks.BlockCount(upload.Length, limits.UploadBlockBytes);
        var received = Enumerable.Range(0, count).Where(i => HasBlock(blocks, upload, limits.UploadBlockBytes, i)).ToList();
        logger.UploadSessionOpened(upload.SnapshotId, site, list, upload.Length, count, received.Count);

        // The answer carries a credential: no cache on the way may keep it.
        context.Response.Headers.CacheControl = "no-store";
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new UploadSessionDto(sas.AbsoluteUri, limits.UploadBlockBytes, expiresOn, received), ContractsJsonContext.Default.UploadSessionDto);
        return TypedResults.Bytes(json, "application/json");
    }

    private async Task<IResult> CommitCheckedAsync(HttpContext context, string site, string list, string snapshotIdText)
    {
        var ct = context.RequestAborted;
        var (upload, answer) = await ReadNewUploadAsync(context, site, list, snapshotIdText);
        if (upload is null)
        {
            return answer!;
        }

        var limits = options.Value;
        var blobName = UploadStaging.BlobName(site, list, upload.SnapshotId);
        var count = UploadBlocks.BlockCount(upload.Length, limits.UploadBlockBytes);
        var blocks = await staging.BlocksAsync(blobName, ct);
        var missing = Enumerable.Range(0, count).Count(i => !HasBlock(blocks, upload, limits.UploadBlockBytes, i));
        if (missing > 0)
        {
            return Problems.Result(409, ProblemCodes.UploadIncomplete, "Blocks missing",
                $"{missing} of {count} blocks of {limits.UploadBlockBytes} bytes are missing or of the wrong size; open an upload session again and send them.");
        }

        // The spool folder's bound (docs/adr/0011) holds for a commit as for a PUT: room first, then the read.
        using var room = spool.TryReserve(upload.Length);
        if (room is null)
        {
            logger.SpoolFull(site, list, upload.Length, $"{spool.FreeBytes} bytes free");
            return SpoolSpace.NoRoom(context);
        }

        await staging.CommitAsync(blobName, [.. Enumerable.Range(0, count).Select(i => UploadBlocks.BlockId(upload.Sha256, i))], ct);
        var tempPath = Path.Combine(spool.Directory, $"commit-{Guid.NewGuid():N}.csv.gz");
        try
        {
            (long Length, byte[] Sha256)? spooled;
            try
            {
                // What is read here is what is checked and stored: a site writing its staging blob again meanwhile
                // changes nothing that was verified.
                await using var blob = await staging.OpenReadAsync(blobName, ct);
                spooled = await SnapshotIngestor.SpoolAsync(blob, tempPath, limits.MaxSessionCompressedBytes, room, ct);
            }
            catch (IOException e) when (SpoolSpace.IsDiskFull(e))
            {
                logger.SpoolFull(site, list, upload.Length, "disk full");
                return SpoolSpace.NoRoom(context);
            }

            if (spooled is null)
            {
                return TooLarge(limits.MaxSessionCompressedBytes);
            }

            var result = await ingestor.AcceptSpooledAsync(
                new SpooledUpload(tempPath, spooled.Value.Length, spooled.Value.Sha256, upload.Sha256, EncodingDeclared: false, upload.Delivery,
                    site, list, upload.SnapshotId, upload.ExtractedAt, context.Request.Headers.UserAgent.ToString()), ct);
            var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 0;
            logger.UploadCommitted(upload.SnapshotId, site, list, upload.Length, count, status);

            // Accepted, or refused for its content: the staged copy is of no further use. Anything else (an exception
            // from storage or the database) keeps it, so the next commit finds the blocks again.
            if (status is >= 200 and < 500)
            {
                await staging.DeleteIfExistsAsync(blobName, ct);
            }

            return result;
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    /// <summary>
    /// The declared upload, checked, when it still has to be received; else (null, the answer): a refusal, or for a
    /// snapshot already received (a commit whose answer was lost) the same 202 as a repeated PUT, nothing to send.
    /// </summary>
    private async Task<(DeclaredUpload? Upload, IResult? Answer)> ReadNewUploadAsync(HttpContext context, string site, string list, string snapshotIdText)
    {
        var (upload, problem) = await ReadDeclaredAsync(context, list, snapshotIdText);
        if (upload is null)
        {
            return (null, problem);
        }

        return await ingestor.RepeatIfReceivedAsync(site, list, upload, context.RequestAborted) is { } repeat ? (null, repeat) : (upload, null);
    }

    /// <summary>Block <paramref name="index"/> is there, under the id made from the declared digest, with the size the declared length gives it.</summary>
    private static bool HasBlock(IReadOnlyDictionary<string, long> blocks, DeclaredUpload upload, int blockBytes, int index) =>
        blocks.TryGetValue(UploadBlocks.BlockId(upload.Sha256, index), out var size) && size == UploadBlocks.BlockLength(upload.Length, blockBytes, index);

    /// <summary>The request's JSON and route, checked in the PUT's order and with its codes: list, id, digest, time, size.</summary>
    private async Task<(DeclaredUpload? Upload, IResult? Problem)> ReadDeclaredAsync(HttpContext context, string list, string snapshotIdText)
    {
        var ct = context.RequestAborted;
        var versions = ListDefinitionRules.ListName().IsMatch(list) ? await lists.CandidatesAsync(list, ct) : [];
        if (versions.Count == 0)
        {
            return (null, Problems.Result(404, ProblemCodes.UnknownList, "Unknown list", "This list is not defined or not active on the server."));
        }

        if (!Guid.TryParseExact(snapshotIdText, "D", out var snapshotId) || snapshotId == Guid.Empty)
        {
            return (null, Problems.Result(400, ProblemCodes.BadSnapshotId, "Bad snapshot id", "The snapshot id must be a UUID (the uploader makes a UUIDv7)."));
        }

        // What the delivery holds and up to where, sent with the session and the commit as with a PUT (ADR 0022).
        if (DeliveryCheck.TryRead(context.Request.Headers, versions, out var delivery) is { } deliveryProblem)
        {
            return (null, deliveryProblem);
        }

        UploadSessionRequestDto? body;
        try
        {
            body = await context.Request.ReadFromJsonAsync(ContractsJsonContext.Default.UploadSessionRequestDto, ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            body = null;
        }

        if (body is null || body.Length <= 0)
        {
            return (null, Problems.Result(400, ProblemCodes.BadUploadSession, "Bad upload session request",
                "Send JSON {\"digest\": \"sha-256=:<base64>:\", \"length\": <bytes, more than 0>, \"extractedAt\": \"<RFC 3339>\"}."));
        }

        if (!ContentDigest.TryParseSha256(body.Digest, out var sha256))
        {
            return (null, Problems.Result(400, ProblemCodes.BadDigest, "Missing or malformed digest", "Send the digest as 'sha-256=:<base64>:' of the compressed file."));
        }

        if (!ingestor.TryParseExtractedAt(body.ExtractedAt ?? string.Empty, out var extractedAt))
        {
            return (null, Problems.Result(400, ProblemCodes.BadExtractedAt, "Missing or malformed extractedAt", "Send the extraction time as RFC 3339 with an offset, not in the future."));
        }

        if (!SnapshotIds.Matches(snapshotId, extractedAt))
        {
            return (null, Problems.Result(400, ProblemCodes.BadSnapshotId, "Snapshot id does not match extractedAt",
                "The snapshot id must be the UUIDv7 made from the extraction time (to the millisecond)."));
        }

        var max = options.Value.MaxSessionCompressedBytes;
        return body.Length > max ? (null, TooLarge(max)) : (new DeclaredUpload(snapshotId, delivery, sha256, body.Length, extractedAt), null);
    }

    private static IResult TooLarge(long max) =>
        Problems.Result(413, ProblemCodes.TooLarge, "Snapshot too large", $"The compressed snapshot exceeds {max} bytes.");
}
