namespace PecLists.Contracts;

/// <summary>
/// .NET's GZipStream ends quietly on a truncated stream; the gzip trailer's ISIZE (the uncompressed length mod 2^32,
/// RFC 1952 §2.3.1) catches it. Used by the uploader before sending a spooled file and by the server before queuing.
/// </summary>
public static class GzipTrailer
{
    /// <summary>Header (10) + empty deflate block (2) + CRC32 (4) + ISIZE (4) minus slack: no valid gzip is shorter.</summary>
    public const int MinimumLength = 18;

    /// <summary>True when the seekable gzip stream's trailer records <paramref name="decompressedBytes"/>.</summary>
    public static async Task<bool> MatchesAsync(Stream gzip, long decompressedBytes, CancellationToken ct)
    {
        if (!gzip.CanSeek || gzip.Length < MinimumLength)
        {
            return false;
        }

        var trailer = new byte[4];
        gzip.Seek(-4, SeekOrigin.End);
        await gzip.ReadExactlyAsync(trailer, ct);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer) == (uint)(decompressedBytes & 0xFFFFFFFF);
    }
}
