using System.IO.Compression;
using System.Text;
using PecLists.Contracts;

namespace PecLists.Functions.Ingest;

/// <summary>
/// Reads a gzip CSV once, streaming, before anything is queued: gzip integrity, a decompressed-size cap that stops
/// bombs after at most <c>maxDecompressedBytes</c> of work, strict UTF-8, and the header row against the list's columns.
/// </summary>
public static class SnapshotBodyCheck
{
    private const int MaxHeaderBytes = 64 * 1024;

    public static Task<BodyCheckResult> CheckAsync(Stream compressed, string expectedHeader, long maxDecompressedBytes, CancellationToken ct) =>
        CheckAsync(compressed, [expectedHeader], maxDecompressedBytes, ct);

    /// <summary>Checks the body; its header row may be any of <paramref name="acceptedHeaders"/> (a mismatch is described against the first).</summary>
    public static async Task<BodyCheckResult> CheckAsync(Stream compressed, IReadOnlyList<string> acceptedHeaders, long maxDecompressedBytes, CancellationToken ct)
    {
        var utf8 = new Utf8StreamValidator();
        var buffer = new byte[81920];
        var header = new MemoryStream();
        var headerDone = false;
        long total = 0;
        try
        {
            await using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            int read;
            while ((read = await gzip.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxDecompressedBytes)
                {
                    return new BodyCheckResult(BodyVerdict.TooLarge, total, $"decompressed body exceeds {maxDecompressedBytes} bytes");
                }

                if (!utf8.Append(buffer.AsSpan(0, read)))
                {
                    return BadEncoding(total);
                }

                if (!headerDone)
                {
                    var newline = Array.IndexOf(buffer, (byte)'\n', 0, read);
                    header.Write(buffer, 0, newline >= 0 ? newline : read);
                    if (header.Length > MaxHeaderBytes)
                    {
                        return new BodyCheckResult(BodyVerdict.BadHeader, total, $"header row longer than {MaxHeaderBytes} bytes");
                    }

                    headerDone = newline >= 0;
                }
            }

            if (!utf8.Complete())
            {
                return BadEncoding(total);
            }
        }
        catch (InvalidDataException ex)
        {
            return new BodyCheckResult(BodyVerdict.BadGzip, total, ex.Message);
        }

        if (total == 0)
        {
            return new BodyCheckResult(BodyVerdict.Empty, 0, "body decompresses to nothing (a CSV header row is required)");
        }

        // .NET's GZipStream ends quietly on a truncated stream; the gzip trailer's ISIZE (length mod 2^32) catches it.
        if (compressed.CanSeek && !await GzipTrailer.MatchesAsync(compressed, total, ct))
        {
            return new BodyCheckResult(BodyVerdict.BadGzip, total, "gzip stream is truncated (trailer missing or wrong)");
        }

        var actual = Encoding.UTF8.GetString(header.GetBuffer(), 0, (int)header.Length).TrimEnd('\r');
        var matched = acceptedHeaders.ToList().IndexOf(actual);
        return matched >= 0
            ? new BodyCheckResult(BodyVerdict.Ok, total, MatchedHeader: matched)
            : new BodyCheckResult(BodyVerdict.BadHeader, total, DescribeHeaderMismatch(acceptedHeaders[0], actual));
    }

    private static BodyCheckResult BadEncoding(long total) => new(BodyVerdict.BadEncoding, total, "body is not valid UTF-8");

    /// <summary>Names the first differing column (never echoes data: the header holds only column names).</summary>
    private static string DescribeHeaderMismatch(string expected, string actual)
    {
        var want = expected.Split(',');
        var got = actual.Split(',');
        for (var i = 0; i < Math.Max(want.Length, got.Length); i++)
        {
            var w = i < want.Length ? want[i] : "(none)";
            var g = i < got.Length ? Truncate(got[i]) : "(none)";
            if (w != g)
            {
                return $"header has {got.Length} columns, the list has {want.Length}; column {i + 1} is '{g}', expected '{w}'";
            }
        }

        return "header does not match the list's columns";
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
