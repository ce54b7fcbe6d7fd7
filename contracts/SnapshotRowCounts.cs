namespace PecLists.Contracts;

public sealed record SnapshotRowCounts(long Inserted, long Updated, long Deleted, long Unchanged);
