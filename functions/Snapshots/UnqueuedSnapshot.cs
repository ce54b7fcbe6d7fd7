namespace PecLists.Functions.Snapshots;

/// <summary>A received snapshot nobody is queueing (its request died between recording and queueing): what queueing it needs.</summary>
public sealed record UnqueuedSnapshot(Guid SnapshotId, string Site, string List, string Blob, DateTimeOffset ExtractedAt);
