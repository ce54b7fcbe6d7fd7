using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Ingest;

/// <summary>
/// POST /api/v1/lists/{list}/snapshots/{snapshotId}/unchanged: the edge says the list's rows are those the backend
/// holds (<see cref="UnchangedDeliveryDto"/>). Honoured only when the pair's held digest, computed from the central rows
/// by the last full load, has the same rows and digest for the same list version, central still holds what it was
/// computed from, no other delivery of the pair is pending and the last full delivery is recent: then the snapshot is
/// recorded loaded, writing nothing, with no blob, no queue message and no staging. Otherwise 409
/// <see cref="ProblemCodes.FullDeliveryRequired"/> with its reason, and the uploader sends the list whole at once
/// (docs/adr/0024-unchanged-deliveries.md).
/// </summary>
public sealed class UnchangedDeliveries(
    NpgsqlDataSource database,
    ListCatalog lists,
    SnapshotLedger ledger,
    SnapshotIngestor ingestor,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<UnchangedDeliveries> logger,
    PipelineMetrics metrics)
{
    /// <summary>The body is a few hundred bytes; anything far larger is not an unchanged delivery.</summary>
    private const int MaxBodyBytes = 4096;

    /// <summary>
    /// The POST. A refusal asking for the full delivery is the normal first step of a list with nothing held (or a full
    /// delivery due), already its own business event (<c>UnchangedRefused</c>): it is not also a rejected snapshot, which
    /// would feed the rejection alert on every healthy first day. Every other 4xx is one.
    /// </summary>
    public async Task<IResult> PostAsync(HttpContext context, string site, string list, string snapshotIdText)
    {
        var result = await PostCheckedAsync(context, site, list, snapshotIdText);
        return IsFullDeliveryRequest(result) ? result : ingestor.LogIfRejected(result, "ingest", site, list, snapshotIdText);
    }

    private static bool IsFullDeliveryRequest(IResult result) =>
        result is ProblemHttpResult { StatusCode: 409 } problem
        && problem.ProblemDetails.Extensions.TryGetValue("code", out var code)
        && code as string == ProblemCodes.FullDeliveryRequired;

    private async Task<IResult> PostCheckedAsync(HttpContext context, string site, string list, string snapshotIdText)
    {
        var ct = context.RequestAborted;
        var versions = ListDefinitionRules.ListName().IsMatch(list) ? await lists.CandidatesAsync(list, ct) : [];
        if (versions.Count == 0)
        {
            return Problems.Result(404, ProblemCodes.UnknownList, "Unknown list", "This list is not defined or not active on the server.");
        }

        if (!Guid.TryParseExact(snapshotIdText, "D", out var snapshotId) || snapshotId == Guid.Empty)
        {
            return Problems.Result(400, ProblemCodes.BadSnapshotId, "Bad snapshot id", "The snapshot id must be a UUID (the uploader makes a UUIDv7).");
        }

        if (!ingestor.TryParseExtractedAt(context.Request.Headers[WireNames.ExtractedAtHeader].ToString(), out var extractedAt))
        {
            return Problems.Result(400, ProblemCodes.BadExtractedAt, "Missing or malformed X-Extracted-At", "Send the extraction time as RFC 3339 with an offset, not in the future.");
        }

        if (!SnapshotIds.Matches(snapshotId, extractedAt))
        {
            return Problems.Result(400, ProblemCodes.BadSnapshotId, "Snapshot id does not match X-Extracted-At",
                "The snapshot id must be the UUIDv7 made from the time sent in X-Extracted-At (to the millisecond).");
        }

        var claim = await ReadClaimAsync(context.Request, ct);
        if (claim is null)
        {
            return Problems.Result(400, ProblemCodes.BadUnchangedDelivery, "Malformed unchanged delivery",
                $"Send JSON {{\"listVersion\": n, \"rows\": n, \"rowsDigest\": \"{RowsDigest.Prefix}<32 hex digits>\"}} with a Content-Length, at most {MaxBodyBytes} bytes.");
        }

        var location = ApiRoutes.SnapshotStatusPath(snapshotId);
        if (await ledger.FindAsync(snapshotId, ct) is { } existing)
        {
            // A repeat whose answer was lost is answered the same; the id used for anything else is a conflict.
            return existing.Site == site && existing.List == list && existing.DeliveryKind == DeliveryKinds.Unchanged
                ? Honoured(location, snapshotId)
                : SnapshotIngestor.Conflict();
        }

        var active = versions[0];
        var refusal = active.LoadMode != LoadModes.Snapshot
            ? FullDeliveryReasons.NotSnapshotMode
            : await TryRecordAsync(new NewSnapshot(snapshotId, site, list, string.Empty, string.Empty, 0, extractedAt, context.Request.Headers.UserAgent.ToString(), active.Version, DeliveryKinds.Unchanged), active, claim, ct);
        if (refusal is not null)
        {
            logger.UnchangedRefused(snapshotId, site, list, refusal);
            return Refused(refusal);
        }

        logger.SnapshotLoaded(snapshotId, DeliveryKinds.Unchanged, DeliveryKinds.Unchanged, site, list, active.Version, 0, 0, 0, claim.Rows, 0, 0);
        metrics.Loaded(list, DeliveryKinds.Unchanged, TimeSpan.Zero, 0, 0, 0, new SnapshotRowCounts(0, 0, 0, claim.Rows));
        return Honoured(location, snapshotId);
    }

    /// <summary>Records the delivery as loaded when the backend holds what it claims; otherwise the reason it does not (a <see cref="FullDeliveryReasons"/> value).</summary>
    private async Task<string?> TryRecordAsync(NewSnapshot snapshot, ListDefinition active, UnchangedDeliveryDto claim, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // The pair's load lock, only tried: a load of the pair running now means the held digest is about to change.
        if (!await PairLocks.TryAcquireAsync(connection, transaction, snapshot.Site, snapshot.List, ct))
        {
            return FullDeliveryReasons.PairBusy;
        }

        var held = await HeldDigests.FindAsync(connection, transaction, snapshot.Site, snapshot.List, ct);
        var reason = held switch
        {
            null => FullDeliveryReasons.NothingHeld,
            _ when held.ListVersion != active.Version || claim.ListVersion != active.Version => FullDeliveryReasons.VersionDiffers,
            _ when held.Rows != claim.Rows || !string.Equals(held.RowsDigest, claim.RowsDigest, StringComparison.Ordinal) => FullDeliveryReasons.DigestDiffers,
            _ when time.GetUtcNow() - held.FullReceivedAt >= TimeSpan.FromDays(options.Value.FullDeliveryEveryDays) => FullDeliveryReasons.FullDue,
            _ => null,
        };
        if (reason is not null)
        {
            return reason;
        }

        if (await ledger.PairBusyAsync(connection, transaction, snapshot.Site, snapshot.List, snapshot.ExtractedAt, ct))
        {
            return FullDeliveryReasons.PairBusy;
        }

        if (!await HeldDigests.StillHeldAsync(connection, transaction, snapshot.Site, active, held!, ct))
        {
            // Central changed behind the backend's back (a restore, a truncate, a hand edit): the digest is dropped for
            // good, so no later unchanged delivery can match it either, and the full delivery reconciles central.
            await HeldDigests.ForgetAsync(connection, transaction, snapshot.Site, snapshot.List, ct);
            await transaction.CommitAsync(ct);
            return FullDeliveryReasons.CentralDiffers;
        }

        if (!await ledger.RecordUnchangedAsync(connection, transaction, snapshot, claim.Rows, ct))
        {
            return FullDeliveryReasons.PairBusy; // the same id was recorded by a concurrent request
        }

        await transaction.CommitAsync(ct);
        return null;
    }

    private static async Task<UnchangedDeliveryDto?> ReadClaimAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is not (> 0 and <= MaxBodyBytes))
        {
            return null;
        }

        try
        {
            var claim = await JsonSerializer.DeserializeAsync(request.Body, ContractsJsonContext.Default.UnchangedDeliveryDto, ct);
            return claim is { Rows: >= 0, ListVersion: > 0 } && RowsDigest.IsWellFormed(claim.RowsDigest) ? claim : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Honoured(string location, Guid snapshotId) =>
        TypedResults.Ok(new { snapshotId, status = SnapshotStatuses.Loaded, delivery = DeliveryKinds.Unchanged, location });

    private static IResult Refused(string reason)
    {
        var problem = Problems.Create(409, ProblemCodes.FullDeliveryRequired, "Send the list whole",
            $"The backend cannot take this list as unchanged ({reason}); send the full snapshot now.");
        problem.Extensions["reason"] = reason;
        return TypedResults.Problem(problem);
    }
}
