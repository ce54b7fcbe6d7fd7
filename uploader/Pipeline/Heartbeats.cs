using PecLists.Contracts;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// The one builder of the uploader's heartbeats (POST /api/v1/heartbeats), for a run and for a doctor: the same
/// version, OS and outcome rules, and an error code that is always a failure category the fleet view knows.
/// </summary>
public static class Heartbeats
{
    /// <summary>After one site's run: its outcome, first failure category, spool state and the last self-update's report.</summary>
    public static HeartbeatDto ForRun(
        DateTimeOffset ranAt,
        string? failureCategory,
        bool databaseReachable,
        int spoolDepth,
        int spoolDropped,
        long? diskFreeBytes,
        IReadOnlyList<RefusedDefinition> refused,
        IReadOnlyList<UnreportedRun> unreported,
        UpdateReportDto? update = null) => new(
            Kind: HeartbeatKinds.Run,
            UploaderVersion: BackendClient.Version,
            Os: BackendClient.OsName,
            SentAt: ranAt,
            Outcome: Outcome(failureCategory),
            ErrorCode: failureCategory,
            LastRunAt: ranAt,
            DatabaseReachable: databaseReachable,
            SpoolDepth: spoolDepth,
            SpoolDropped: spoolDropped,
            DiskFreeBytes: diskFreeBytes,
            RefusedDefinitions: refused.Count == 0 ? null : refused,
            UnreportedRuns: unreported.Count == 0 ? null : unreported,
            Update: update);

    /// <summary>After a doctor: each check, and the category of the first that failed.</summary>
    public static HeartbeatDto ForDoctor(
        DateTimeOffset sentAt,
        string? failureCategory,
        bool databaseReachable,
        IReadOnlyList<HeartbeatCheck> checks,
        IReadOnlyList<RefusedDefinition> refused) => new(
            Kind: HeartbeatKinds.Doctor,
            UploaderVersion: BackendClient.Version,
            Os: BackendClient.OsName,
            SentAt: sentAt,
            Outcome: Outcome(failureCategory),
            ErrorCode: failureCategory,
            DatabaseReachable: databaseReachable,
            Checks: checks,
            RefusedDefinitions: refused.Count == 0 ? null : refused);

    /// <summary>The outcome a failure category (or none) stands for.</summary>
    public static string Outcome(string? failureCategory) => failureCategory is null ? RunOutcomes.Ok : RunOutcomes.Failed;
}
