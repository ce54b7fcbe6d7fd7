namespace PecLists.Contracts;

/// <summary>
/// An upload session (docs/adr/0021): <paramref name="BlobUri"/> is the staging blob's URI with a write-only SAS for
/// that blob alone, valid until <paramref name="ExpiresOn"/> (a secret: never logged); the snapshot is cut into blocks of
/// <paramref name="BlockBytes"/> (the last one shorter) named by <see cref="UploadBlocks.BlockId"/>;
/// <paramref name="ReceivedBlocks"/> are the indexes of the blocks already staged with the right size, which need not
/// be sent again.
/// </summary>
public sealed record UploadSessionDto(string BlobUri, int BlockBytes, DateTimeOffset ExpiresOn, IReadOnlyList<int> ReceivedBlocks);
