using System.Security.Cryptography;
using System.Text;
using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public sealed class UploadBlocksTests
{
    [Fact]
    public void Every_block_id_of_a_blob_has_the_same_length_as_Put_Block_requires()
    {
        var sha = SHA256.HashData("snapshot"u8);

        var lengths = new[] { 0, 1, 9, 999, 49_999 }.Select(i => UploadBlocks.BlockId(sha, i).Length).Distinct();

        Assert.Single(lengths);
    }

    [Fact]
    public void A_block_id_names_its_index_and_the_snapshot_digest_so_other_content_never_matches()
    {
        var sha = SHA256.HashData("snapshot"u8);
        var other = SHA256.HashData("other"u8);

        Assert.Equal(UploadBlocks.BlockId(sha, 3), UploadBlocks.BlockId(sha.ToArray(), 3));
        Assert.NotEqual(UploadBlocks.BlockId(sha, 3), UploadBlocks.BlockId(sha, 4));
        Assert.NotEqual(UploadBlocks.BlockId(sha, 3), UploadBlocks.BlockId(other, 3));
        Assert.Equal($"000003-{Convert.ToHexStringLower(sha[..12])}", Encoding.ASCII.GetString(Convert.FromBase64String(UploadBlocks.BlockId(sha, 3))));
    }

    [Theory]
    [InlineData(1L, 4, 1, 1L)]
    [InlineData(8L, 4, 2, 4L)]
    [InlineData(9L, 4, 3, 1L)]
    [InlineData(300L * 1024 * 1024, 4 * 1024 * 1024, 75, 4L * 1024 * 1024)]
    public void Blocks_cover_the_length_exactly_and_only_the_last_is_shorter(long length, int blockBytes, int count, long lastLength)
    {
        Assert.Equal(count, UploadBlocks.BlockCount(length, blockBytes));
        Assert.Equal(lastLength, UploadBlocks.BlockLength(length, blockBytes, count - 1));
        Assert.Equal(length, Enumerable.Range(0, count).Sum(i => UploadBlocks.BlockLength(length, blockBytes, i)));
    }
}
