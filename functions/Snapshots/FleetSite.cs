namespace PecLists.Functions.Snapshots;

/// <summary>
/// One row of GET /api/v1/admin/fleet: a site's last heartbeat and last snapshot, how long it has been silent, and the
/// lists whose snapshots are held for an operator (comma-separated, empty when none).
/// </summary>
public sealed record FleetSite(
    string Ibge, string Name, DateTime? LastHeartbeatAt, string? LastOutcome, string? LastErrorCode, string? UploaderVersion,
    DateTime? LastSnapshotAt, string? LastSnapshotStatus, double? HoursSilent, long HeldSnapshots, string HeldLists);
