namespace PecLists.Functions.Snapshots;

/// <summary>
/// A snapshot stored in Blob storage and about to be recorded. <c>UserAgent</c> is unknown on replay; <c>ListVersion</c>
/// is the list version its header matched at ingest (unknown for a blob stored before versions were recorded).
/// </summary>
public sealed record NewSnapshot(
    Guid SnapshotId, string Site, string List, string BlobName, string Digest, long CompressedBytes, DateTimeOffset ExtractedAt, string? UserAgent = null, int? ListVersion = null);
