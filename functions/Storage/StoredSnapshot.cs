namespace PecLists.Functions.Storage;

/// <summary>
/// A snapshot blob as its metadata describes it: the load reference, its digest, its compressed size, the list version it
/// was checked against, and what the delivery holds and its cursor (null when the blob names none: a whole snapshot).
/// </summary>
public sealed record StoredSnapshot(SnapshotReference Reference, string Digest, long CompressedBytes, int? ListVersion)
{
    public string? Delivery { get; init; }

    public string? Cursor { get; init; }
}
