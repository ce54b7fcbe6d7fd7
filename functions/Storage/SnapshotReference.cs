namespace PecLists.Functions.Storage;

/// <summary>
/// Which snapshot a blob holds and whose it is: what ingest writes into the blob's metadata and replay reads back. A
/// load message carries the same reference (and converts to it).
/// </summary>
public sealed record SnapshotReference(Guid SnapshotId, string Site, string List, string Blob, DateTimeOffset ExtractedAt);
