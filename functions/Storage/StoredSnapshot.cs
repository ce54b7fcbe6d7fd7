namespace PecLists.Functions.Storage;

/// <summary>A snapshot blob as its metadata describes it: the load reference, its digest, its compressed size and the list version it was checked against.</summary>
public sealed record StoredSnapshot(SnapshotReference Reference, string Digest, long CompressedBytes, int? ListVersion);
