namespace PecLists.Uploader.Spooling;

/// <summary>The last snapshots the backend accepted (for <c>status</c>): ids only, the newest 50.</summary>
public sealed record SentSnapshot(string Site, string List, Guid SnapshotId, DateTimeOffset SentAt);
