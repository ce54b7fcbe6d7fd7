using PecLists.Contracts;

namespace PecLists.Functions.Snapshots;

/// <summary>
/// The failure category and status colour of a site, from what the system of record holds: its last heartbeat and the
/// newest snapshot of each list. One set of rules for the fleet view, the admin API and the heartbeat event
/// (docs/failure-catalog.md lists them with what an operator does).
/// </summary>
public static class SiteCondition
{
    public const string Green = "green";
    public const string Amber = "amber";
    public const string Red = "red";

    /// <summary>The category a heartbeat reports: its error code for a failed run, clock skew past the limit, or none.</summary>
    public static string? FromHeartbeat(string? outcome, string? errorCode, double? clockSkewSeconds)
    {
        if (outcome is not null && outcome != RunOutcomes.Ok)
        {
            return Normalise(errorCode);
        }

        return clockSkewSeconds is { } skew && Math.Abs(skew) > FailureCategories.MaxClockSkew.TotalSeconds ? FailureCategories.ClockSkew : null;
    }

    /// <summary>
    /// The site's category and colour. Red: no heartbeat within period + grace (machine-off), a failed run, a rejected or
    /// failed newest snapshot, a revoked token refused since its last heartbeat (token). Amber: clock skew, snapshots held for an operator, or a heartbeat older than the period
    /// but within the grace. Green otherwise.
    /// </summary>
    public static (string? Category, string Status) Classify(
        DateTimeOffset now, DateTimeOffset? lastHeartbeatAt, string? lastOutcome, string? lastErrorCode, double? clockSkewSeconds,
        IEnumerable<string> newestSnapshotStatuses, long heldSnapshots, FleetOptions options, DateTimeOffset? tokenRefusedAt = null)
    {
        // A revoked token also stops the heartbeats: the refusal, seen by the backend, is the only report there is.
        if (tokenRefusedAt is { } refused && (lastHeartbeatAt is not { } beat || refused > beat))
        {
            return (FailureCategories.Token, Red);
        }

        var period = TimeSpan.FromHours(options.ExpectedEveryHours);
        var grace = TimeSpan.FromHours(options.GraceHours);
        if (lastHeartbeatAt is not { } last || now - last > period + grace)
        {
            return (FailureCategories.MachineOff, Red);
        }

        var fromHeartbeat = FromHeartbeat(lastOutcome, lastErrorCode, clockSkewSeconds);
        if (fromHeartbeat is not null && fromHeartbeat != FailureCategories.ClockSkew)
        {
            return (fromHeartbeat, Red);
        }

        var statuses = newestSnapshotStatuses.ToList();
        if (statuses.Contains(SnapshotStatuses.Rejected))
        {
            return (FailureCategories.SnapshotRejected, Red);
        }

        if (statuses.Contains(SnapshotStatuses.Failed))
        {
            return (FailureCategories.LoadFailed, Red);
        }

        if (fromHeartbeat is not null)
        {
            return (fromHeartbeat, Amber);
        }

        return heldSnapshots > 0 || now - last > period ? (null, Amber) : (null, Green);
    }

    /// <summary>
    /// Why a site's runs went unreported: the category of the newest failed one (normalised like any heartbeat's), or
    /// null when none failed (a run that worked whose heartbeat alone was lost).
    /// </summary>
    public static string? UnreportedCategory(IEnumerable<UnreportedRun> runs) =>
        runs.Where(r => r.Outcome != RunOutcomes.Ok).MaxBy(r => r.RanAt) is { } failed ? Normalise(failed.ErrorCode) : null;

    /// <summary>Codes older uploaders sent before the catalog (1.x: "database", "rejected") mapped to today's categories.</summary>
    public static string Normalise(string? errorCode) => errorCode switch
    {
        null or "" => FailureCategories.Unexpected,
        "database" => FailureCategories.SourceDatabase,
        "rejected" => FailureCategories.SnapshotRejected,
        _ when FailureCategories.All.Contains(errorCode) => errorCode,
        _ => FailureCategories.Unexpected,
    };
}
