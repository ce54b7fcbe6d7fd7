namespace PecLists.Functions.Storage;

/// <summary>A snapshot blob as its metadata describes it: the load reference, its digest and its compressed size.</summary>
public sealed record StoredSnapshot(LoadMessage Reference, string Digest, long CompressedBytes);
