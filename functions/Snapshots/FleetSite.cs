namespace PecLists.Functions.Snapshots;

/// <summary>
/// One row of the fleet view (GET /api/v1/admin/fleet, the <c>fleet</c> command): the site's status colour and failure
/// category (<see cref="SiteCondition"/>), its last heartbeat, when each list last loaded, and the lists whose
/// snapshots wait for an operator (comma-separated, empty when none).
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
    string HeldLists);
