namespace PecLists.Functions.Snapshots;

/// <summary>
/// One row of the fleet view (GET /api/v1/admin/fleet, the <c>fleet</c> command): the site's status colour and failure
/// category (<see cref="SiteCondition"/>), its last heartbeat, when each list last loaded, and the lists whose
/// snapshots wait for an operator (comma-separated, empty when none). <c>UnreportedRuns</c>: runs before the last heartbeat
/// whose own heartbeats never arrived (the site was cut off, not off), with the newest failure's category and the first
/// such run's time. <c>HeldSince</c>: when the site's oldest held snapshot was held (how long a decision has waited;
/// its blob is kept until then). <c>LastSnapshotDelivery</c>: what the last snapshot was (<see cref="PecLists.Contracts.DeliveryKinds"/>;
/// <see cref="PecLists.Contracts.DeliveryKinds.Unchanged"/> for an unchanged list recorded without its rows, ADR 0024).
/// its blob is kept until then). <c>Update…</c>: the last self-update the site reported (docs/adr/0026): its state
/// (<c>updated</c>, <c>update-failed</c>, <c>rolled-back</c>), the version involved, the failure's reason code, and when
/// the report arrived.
/// </summary>
public sealed record FleetSite(
    string Ibge,
    string Name,
    string Status,
    string? Category,
    DateTimeOffset? LastHeartbeatAt,
    string? LastOutcome,
    string? LastErrorCode,
    string? UploaderVersion,
    double? ClockSkewSeconds,
    double? HoursSilent,
    DateTimeOffset? LastSnapshotAt,
    string? LastSnapshotStatus,
    IReadOnlyDictionary<string, DateTimeOffset?> LastLoadedByList,
    long HeldSnapshots,
    string HeldLists,
    int UnreportedRuns = 0,
    string? UnreportedCategory = null,
    DateTimeOffset? UnreportedSince = null,
    DateTimeOffset? HeldSince = null,
    string? LastSnapshotDelivery = null,
    string? UpdateState = null,
    string? UpdateVersion = null,
    string? UpdateReason = null,
    DateTimeOffset? UpdateReceivedAt = null);
