using System.Security.Claims;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Http;
using PecLists.Functions.Sites;
using PecLists.Functions.Telemetry;
using Npgsql;

namespace PecLists.Functions.Operations;

/// <summary>POST /api/v1/admin/replay (operator token only).</summary>
public static class ReplayEndpoint
{
    public sealed record ReplayRequest(string Source, string? Site, string? List, DateTimeOffset? Since, DateTimeOffset? Until, bool DryRun, bool IncludeRejected = false);

    public static async Task<IResult> HandleAsync(ReplayRequest request, Replayer replayer, ILoggerFactory loggers, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct)
    {
        var filter = new ReplayFilter(request.Site, request.List, request.Since, request.Until, request.IncludeRejected);
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

        loggers.CreateLogger(typeof(ReplayEndpoint)).SnapshotsReplayed(report.Source, report.DryRun, report.Items.Count, report.Replayed);
        await OperatorAudit.RecordAsync(db, user.Operator(), OperatorAudit.Replay, report.Source, AuditDetail(filter, report), ct);
        return TypedResults.Ok(report);
    }

    /// <summary>What the audit keeps of a replay: the filter and the counts.</summary>
    public static IReadOnlyDictionary<string, object?> AuditDetail(ReplayFilter filter, ReplayReport report) => new Dictionary<string, object?>
    {
        ["site"] = filter.Site,
        ["list"] = filter.List,
        ["since"] = filter.Since,
        ["until"] = filter.Until,
        ["dryRun"] = report.DryRun,
        ["includeRejected"] = filter.IncludeRejected,
        ["matched"] = report.Items.Count,
        ["replayed"] = report.Replayed,
    };
}
