using System.IO.Compression;
using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public sealed class GzipTrailerTests
{
    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(300_000)]
    public async Task A_complete_gzip_records_its_uncompressed_length(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        using var stream = new MemoryStream(Gzip(data));

        Assert.True(await GzipTrailer.MatchesAsync(stream, length, CancellationToken.None));
        Assert.False(await GzipTrailer.MatchesAsync(stream, length + 1, CancellationToken.None));
    }

    [Fact]
    public async Task The_length_is_compared_modulo_2_to_the_32()
    {
        using var stream = new MemoryStream(Gzip(new byte[10]));

        Assert.True(await GzipTrailer.MatchesAsync(stream, 10 + (1L << 32), CancellationToken.None));
    }

    [Fact]
    public async Task A_truncated_gzip_does_not_match()
    {
        var whole = Gzip(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("José,Conceição,1950-01-02\n", 5000))));
        using var truncated = new MemoryStream(whole[..(whole.Length - 5)]);
        using var tiny = new MemoryStream(whole[..10]);

        Assert.False(await GzipTrailer.MatchesAsync(truncated, 5000 * 28, CancellationToken.None));
        Assert.False(await GzipTrailer.MatchesAsync(tiny, 0, CancellationToken.None));
    }
}
