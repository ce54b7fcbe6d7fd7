using System.Security.Claims;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Sites;
using PecLists.Functions.Telemetry;

namespace PecLists.Functions.Operations;

/// <summary>POST /api/v1/admin/replay (operator token only).</summary>
public static class ReplayEndpoint
{
    public sealed record ReplayRequest(string Source, string? Site, string? List, DateTimeOffset? Since, DateTimeOffset? Until, bool DryRun, bool IncludeRejected = false);

    public static async Task<IResult> HandleAsync(ReplayRequest request, ReplayAdministration replays, ILoggerFactory loggers, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!ReplayAdministration.IsSource(request.Source))
        {
            return Problems.Result(400, ProblemCodes.BadReplaySource, "Unknown replay source", $"'source' must be '{Replayer.Poison}' or '{Replayer.Blobs}'.");
        }

        var filter = new ReplayFilter(request.Site, request.List, request.Since, request.Until, request.IncludeRejected);
        var report = await replays.ReplayAsync(request.Source, filter, request.DryRun, user.Operator(), ct);
        loggers.CreateLogger(typeof(ReplayEndpoint)).SnapshotsReplayed(report.Source, report.DryRun, report.Items.Count, report.Replayed);
        return TypedResults.Ok(report);
    }
}
