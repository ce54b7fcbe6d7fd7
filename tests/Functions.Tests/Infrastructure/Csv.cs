using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using PecLists.Contracts;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>Builds snapshot bodies the way the uploader does: CSV text, gzip, Content-Digest.</summary>
public static class Csv
{
    public const string TestHeader = "id,nome,nascimento,ativo,peso";

    public static byte[] Gzip(string text) => Gzip(Encoding.UTF8.GetBytes(text));

    public static byte[] Gzip(byte[] bytes, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    public static string Digest(byte[] body) => ContentDigest.Format(SHA256.HashData(body));

    public static string Rows(params string[] rows) => TestHeader + "\n" + string.Concat(rows.Select(r => r + "\n"));
}
