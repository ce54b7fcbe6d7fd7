using PecLists.Contracts;

namespace PecLists.Functions.Snapshots;

/// <summary>A row of ingest.snapshots as the status endpoint reads it; PostgreSQL's timestamps come back unspecified-kind UTC.</summary>
internal sealed record SnapshotStatusRow(
    Guid SnapshotId, string Site, string List, string Status, DateTime ExtractedAt, DateTime ReceivedAt,
    DateTime? LoadStartedAt, DateTime? LoadFinishedAt, long? Inserted, long? Updated, long? Deleted, long? Unchanged,
    string? ErrorCode, string? ErrorDetail, string DeliveryKind)
{
    public SnapshotStatusDto ToDto() => new(
        SnapshotId, Site, List,
        SnapshotLifecycle.ToWire(Status),
        Utc(ExtractedAt), Utc(ReceivedAt), UtcOrNull(LoadStartedAt), UtcOrNull(LoadFinishedAt),
        Inserted is null ? null : new SnapshotRowCounts(Inserted ?? 0, Updated ?? 0, Deleted ?? 0, Unchanged ?? 0),
        ErrorCode, ErrorDetail, DeliveryKind);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? UtcOrNull(DateTime? value) => value is { } v ? Utc(v) : null;
}
