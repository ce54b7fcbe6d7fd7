namespace PecLists.Contracts;

/// <summary>
/// The body of an upload session request and of its commit (docs/adr/0021): what a PUT says in its headers, for a
/// snapshot sent as blocks. <paramref name="Digest"/> is the <see cref="ContentDigest"/> of the whole compressed file,
/// <paramref name="Length"/> its size in bytes, <paramref name="ExtractedAt"/> the X-Extracted-At value
/// (<see cref="SnapshotUploadRequest.FormatExtractedAt"/>).
/// </summary>
public sealed record UploadSessionRequestDto(string Digest, long Length, string ExtractedAt);
