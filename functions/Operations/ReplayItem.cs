namespace PecLists.Functions.Operations;

/// <summary>A snapshot a replay sent (or, in a dry run, would send) back to the load queue.</summary>
public sealed record ReplayItem(Guid SnapshotId, string Site, string List, DateTimeOffset ExtractedAt);
