namespace PecLists.Contracts;

/// <summary>Snapshot status (GET /api/v1/snapshots/{id}); <c>Delivery</c> is what it held (<see cref="DeliveryKinds"/>).</summary>
public sealed record SnapshotStatusDto(
    Guid SnapshotId,
    string Site,
    string List,
    string Status,
    DateTimeOffset ExtractedAt,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? LoadStartedAt,
    DateTimeOffset? LoadFinishedAt,
    SnapshotRowCounts? Rows,
    string? ErrorCode,
    string? Reason,
    string Delivery = DeliveryKinds.Snapshot);
