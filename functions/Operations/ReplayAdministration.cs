using PecLists.Functions.Data;
using Npgsql;

namespace PecLists.Functions.Operations;

/// <summary>
/// The operator's replay, for the admin API and the command alike: the replay (<see cref="Replayer"/>) from the source
/// named, then its row in <c>ingest.operator_audit</c> with the filter and the counts. Not one transaction with the
/// action, as the other operator actions are: a replay moves queue messages, which no database transaction undoes, so
/// the row records what was done once it is done.
/// </summary>
public sealed class ReplayAdministration(Replayer replayer, NpgsqlDataSource database)
{
    /// <summary>Whether <paramref name="source"/> is one a replay reads: the poison queue or Blob storage.</summary>
    public static bool IsSource(string source) => source is Replayer.Poison or Replayer.Blobs;

    public async Task<ReplayReport> ReplayAsync(string source, ReplayFilter filter, bool dryRun, string actor, CancellationToken ct)
    {
        var report = source switch
        {
            Replayer.Poison => await replayer.ReplayPoisonAsync(filter, dryRun, ct),
            Replayer.Blobs => await replayer.ReplayBlobsAsync(filter, dryRun, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(source), source, $"A replay's source is '{Replayer.Poison}' or '{Replayer.Blobs}'."),
        };
        await OperatorAudit.RecordAsync(database, actor, OperatorAudit.Replay, report.Source, AuditDetail(filter, report), ct);
        return report;
    }

    /// <summary>What the audit keeps of a replay: the filter and the counts.</summary>
    private static Dictionary<string, object?> AuditDetail(ReplayFilter filter, ReplayReport report) => new()
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
