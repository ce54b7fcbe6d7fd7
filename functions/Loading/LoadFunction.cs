using System.Globalization;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Loading;

/// <summary>
/// POST /load: the queue-triggered "load" function. 2xx with Outputs/ReturnValue = done (the host deletes the
/// message); non-2xx = failed (the host makes it visible again after visibilityTimeout, then poisons it). A message it
/// cannot read is a failure too, never 200-and-delete.
/// </summary>
public static class LoadFunction
{
    public const string Name = "load";

    /// <summary>Called by the Functions host (or the stand-in) on loopback only; not part of the public API.</summary>
    public static IEndpointRouteBuilder MapLoadFunction(this IEndpointRouteBuilder app)
    {
        app.MapHostFunction(Name,
            ([FromBody] InvocationRequest invocation, SnapshotLoader loader, LoadQueue queue, IOptions<LoadOptions> options, ILoggerFactory loggers, CancellationToken ct) =>
                InvokeAsync(invocation, loader, queue, options, loggers, ct));
        return app;
    }

    private static async Task<bool> TryRetryLaterAsync(LoadQueue queue, LoadMessage message, LoadOptions options, ILogger logger, CancellationToken ct)
    {
        var delay = TransientBackoff.Delay(message.Retry, options, Random.Shared);
        try
        {
            await queue.DeferAsync(message with { Retry = message.Retry + 1 }, delay, ct);
        }
        catch (Exception queueDown) when (queueDown is Azure.RequestFailedException or HttpRequestException or TimeoutException)
        {
            return false; // the host's retries take over
        }

        logger.SnapshotLoadRetrying(message.SnapshotId, message.Retry + 1, Math.Round(delay.TotalSeconds));
        return true;
    }

    public static async Task<IResult> InvokeAsync(
        InvocationRequest invocation, SnapshotLoader loader, LoadQueue queue, IOptions<LoadOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(LoadFunction));
        var message = LoadMessage.TryParse(invocation.TriggerText("msg"));
        if (message is null)
        {
            // Non-2xx fails the invocation: the host retries it and then moves it to the poison queue, where an operator
            // sees it. A 2xx would make the host delete it for good, and its snapshot would stay queued for ever.
            logger.LoadMessageMalformed(invocation.DequeueCount);
            return Problems.Result(StatusCodes.Status400BadRequest, ProblemCodes.MalformedLoadMessage, "Malformed load message",
                "The queue message is not a load reference ({snapshotId, site, list, blob, extractedAt}); it goes to the poison queue after the retries.");
        }

        try
        {
            var result = await loader.LoadWaitingForSlotAsync(message, ct);
            if (result.Status == LoadResult.Deferred)
            {
                // Every load slot stayed busy for Load:SlotWaitSeconds, the pair is busy, or an earlier delivery of the pair
                // must load first: a fresh copy comes back later and this delivery ends as a success, so a storm of uploads
                // never burns dequeue counts (nor sends healthy snapshots to the poison queue).
                var delay = TimeSpan.FromSeconds(options.Value.DeferSeconds * (0.5 + Random.Shared.NextDouble()));
                await queue.DeferAsync(message, delay, ct);
                logger.SnapshotDeferred(message.SnapshotId, Math.Round(delay.TotalSeconds, 1), message.Site, message.List);
                var why = result.NoSlotFree
                    ? string.Create(CultureInfo.InvariantCulture, $"no load slot free in {result.SlotWaited.TotalSeconds:F1} s")
                    : result.Reason;
                return TypedResults.Ok(new InvocationResponse(new Dictionary<string, object?> { ["result"] = LoadResult.Deferred }, [$"snapshot {message.SnapshotId}: deferred, {why}"], LoadResult.Deferred));
            }

            var log = $"snapshot {message.SnapshotId}: {result.Status}" + (result.AlreadyFinal ? " (already final, nothing done)" : string.Empty);
            return TypedResults.Ok(new InvocationResponse(
                new Dictionary<string, object?> { ["result"] = result.Status, ["rows"] = result.Rows },
                [log],
                result.Status));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The message's site and list are what it claims (the bookkeeping row decides what is loaded): codes only.
            // The same code the snapshot's status records (the host is not stopping here: see the filter above).
            var code = LoadErrors.FailedCode(ex, hostStopping: false);
            logger.SnapshotFailed(message.SnapshotId, message.Retry, message.Site, message.List, code, LoadErrors.TransientCause(ex), FailureCategories.LoadFailed);

            // A fresh copy comes back after a growing delay; this delivery ends as a success so the host's few, quick
            // retries are kept for when the retries here are used up (or the queue itself cannot be written).
            if (message.Retry < options.Value.TransientRetries && await TryRetryLaterAsync(queue, message, options.Value, logger, ct))
            {
                return TypedResults.Ok(new InvocationResponse(
                    new Dictionary<string, object?> { ["result"] = "retrying", ["retry"] = message.Retry + 1 },
                    [$"snapshot {message.SnapshotId}: {LoadErrors.DescribeTransient(ex)} (retry {message.Retry + 1} of {options.Value.TransientRetries})"],
                    "retrying"));
            }

            logger.SnapshotLoadFailedToHost(message.SnapshotId, invocation.DequeueCount, code, LoadErrors.TransientCause(ex));
            return Problems.Result(StatusCodes.Status500InternalServerError, ProblemCodes.LoadFailed, "Load failed, will be retried", LoadErrors.DescribeTransient(ex));
        }
    }
}
