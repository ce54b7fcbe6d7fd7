namespace PecLists.Functions.Snapshots;

/// <summary>
/// A snapshot stored in Blob storage and about to be recorded. <c>UserAgent</c> is unknown on replay; <c>ListVersion</c>
/// is the list version its header matched at ingest (unknown for a blob stored before versions were recorded).
/// <c>DeliveryKind</c> is what it holds (<see cref="PecLists.Contracts.DeliveryKinds"/>) and <c>Cursor</c> an incremental
/// delivery's X-Cursor, null when it carries none.
/// </summary>
public sealed record NewSnapshot(
    Guid SnapshotId, string Site, string List, string BlobName, string Digest, long CompressedBytes, DateTimeOffset ExtractedAt, string? UserAgent = null, int? ListVersion = null,
    string DeliveryKind = PecLists.Contracts.DeliveryKinds.Snapshot, string? Cursor = null);
