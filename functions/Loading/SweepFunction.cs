using PecLists.Contracts;
using PecLists.Functions.Http;

namespace PecLists.Functions.Loading;

/// <summary>
/// POST /sweep-received: the timer-triggered "sweep-received" function (every 5 minutes, function.json). The timer's
/// payload carries nothing the sweep needs (ScheduleStatus may even hold 0001-01-01 dates), so the body is not read.
/// 2xx with Outputs/ReturnValue = done; a failure is a 500 the host logs, and the next run tries again.
/// </summary>
public static class SweepFunction
{
    public const string Name = "sweep-received";

    /// <summary>Called by the Functions host (or the stand-in) on loopback only, like /load.</summary>
    public static IEndpointRouteBuilder MapSweepFunction(this IEndpointRouteBuilder app)
    {
        app.MapHostFunction(Name, (ReceivedSweeper sweeper, CancellationToken ct) => InvokeAsync(sweeper, ct));
        return app;
    }

    public static async Task<IResult> InvokeAsync(ReceivedSweeper sweeper, CancellationToken ct)
    {
        var report = await sweeper.SweepAsync(ct);
        return TypedResults.Ok(new InvocationResponse(
            new Dictionary<string, object?>
            {
                ["found"] = report.Found,
                ["queued"] = report.Queued,
                ["blobMissing"] = report.BlobMissing,
                ["claimedElsewhere"] = report.ClaimedElsewhere,
            },
            [$"received snapshots swept: {report}"],
            "swept"));
    }
}
