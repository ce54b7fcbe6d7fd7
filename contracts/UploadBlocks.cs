using System.Text;

namespace PecLists.Contracts;

/// <summary>
/// How a snapshot sent as blocks is cut and named, the same for the uploader that stages the blocks and for ingest that
/// lists and commits them (docs/adr/0021). A block's id is made of its index and the snapshot's digest, so a block
/// left by an interrupted run is recognised by the next one, and one staged for other content never is.
/// </summary>
public static class UploadBlocks
{
    /// <summary>Azure's limit of blocks in one block blob (learn.microsoft.com/rest/api/storageservices/put-block-list).</summary>
    public const int MaxBlocks = 50_000;

    public static int BlockCount(long length, int blockBytes) =>
        checked((int)((length + blockBytes - 1) / blockBytes));

    /// <summary>The size of block <paramref name="index"/>: <paramref name="blockBytes"/>, the last one what remains.</summary>
    public static long BlockLength(long length, int blockBytes, int index) =>
        Math.Min(blockBytes, length - ((long)index * blockBytes));

    /// <summary>
    /// Base64 of "{index:D6}-{the digest's first 12 bytes in hex}": every id of a blob has the same length before
    /// encoding, as Put Block requires (learn.microsoft.com/rest/api/storageservices/put-block, "blockid").
    /// </summary>
    public static string BlockId(ReadOnlySpan<byte> sha256, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{index:D6}-{Convert.ToHexStringLower(sha256[..12])}"));
}
