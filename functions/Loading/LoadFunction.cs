using Ingest.Functions.Hosting;
using Ingest.Functions.Ingest;
using Ingest.Functions.Storage;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Loading;

/// <summary>
/// POST /load: the queue-triggered "load" function. 2xx with Outputs/ReturnValue = done (the host deletes the
/// message); non-2xx = failed (the host makes it visible again after visibilityTimeout, then poisons it).
/// </summary>
public static class LoadFunction
{
    public const string Name = "load";

    public static async Task<IResult> InvokeAsync(
        InvocationRequest invocation, SnapshotLoader loader, LoadQueue queue, IOptions<LoadOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(LoadFunction));
        var message = LoadMessage.TryParse(invocation.TriggerText("msg"));
        if (message is null)
        {
            // Retrying a message that cannot be read would only fill the poison queue later: drop it loudly.
            logger.LogError("LoadMessageMalformed dequeueCount={DequeueCount}: message discarded", invocation.DequeueCount);
            return TypedResults.Ok(new InvocationResponse(new Dictionary<string, object?> { ["result"] = "discarded" }, ["malformed load message discarded"], "discarded"));
        }

        try
        {
            var result = await loader.LoadAsync(message, ct);
            if (result.Status == LoadResult.Deferred)
            {
                // Every load slot is busy: a fresh copy comes back later and this delivery ends as a success, so a
                // storm of uploads never burns dequeue counts (nor sends healthy snapshots to the poison queue).
                var delay = TimeSpan.FromSeconds(options.Value.DeferSeconds * (0.5 + Random.Shared.NextDouble()));
                await queue.DeferAsync(message, delay, ct);
                logger.LogInformation("SnapshotLoadDeferred site={Site} list={List} snapshot={SnapshotId} delaySeconds={Delay:F1}", message.Site, message.List, message.SnapshotId, delay.TotalSeconds);
                return TypedResults.Ok(new InvocationResponse(new Dictionary<string, object?> { ["result"] = LoadResult.Deferred }, [$"snapshot {message.SnapshotId}: deferred, no load slot free"], LoadResult.Deferred));
            }

            var log = $"snapshot {message.SnapshotId}: {result.Status}" + (result.AlreadyFinal ? " (already final, nothing done)" : string.Empty);
            return TypedResults.Ok(new InvocationResponse(
                new Dictionary<string, object?> { ["result"] = result.Status, ["rows"] = result.Rows },
                [log],
                result.Status));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("SnapshotLoadFailed site={Site} list={List} snapshot={SnapshotId} dequeueCount={DequeueCount} error={Error}",
                message.Site, message.List, message.SnapshotId, invocation.DequeueCount, Loading.LoadErrors.DescribeTransient(ex));
            return Problems.Result(StatusCodes.Status500InternalServerError, "load-failed", "Load failed, will be retried", Loading.LoadErrors.DescribeTransient(ex));
        }
    }
}
