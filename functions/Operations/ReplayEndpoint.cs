using PecLists.Contracts;
using PecLists.Functions.Http;

namespace PecLists.Functions.Operations;

/// <summary>POST /api/v1/admin/replay (operator token only).</summary>
public static class ReplayEndpoint
{
    public sealed record ReplayRequest(string Source, string? Site, string? List, DateTimeOffset? Since, DateTimeOffset? Until, bool DryRun);

    public static async Task<IResult> HandleAsync(ReplayRequest request, Replayer replayer, ILoggerFactory loggers, CancellationToken ct)
    {
        var filter = new ReplayFilter(request.Site, request.List, request.Since, request.Until);
        ReplayReport report;
        switch (request.Source)
        {
            case "poison":
                report = await replayer.ReplayPoisonAsync(filter, request.DryRun, ct);
                break;
            case "blobs":
                report = await replayer.ReplayBlobsAsync(filter, request.DryRun, ct);
                break;
            default:
                return Problems.Result(400, ProblemCodes.BadReplaySource, "Unknown replay source", "'source' must be 'poison' or 'blobs'.");
        }

        loggers.CreateLogger(typeof(ReplayEndpoint)).LogInformation(
            "Replay source={Source} dryRun={DryRun} matched={Matched} replayed={Replayed}", report.Source, report.DryRun, report.Items.Count, report.Replayed);
        return TypedResults.Ok(report);
    }
}
