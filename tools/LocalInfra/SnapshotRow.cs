namespace LocalInfra;

public sealed record SnapshotRow(
    Guid SnapshotId, string Site, string List, string Status, long? Inserted, long? Updated, long? Deleted, long? Unchanged,
    double? QueueSeconds, double? LoadSeconds, string? ErrorCode, string? ErrorDetail, int Attempts);
