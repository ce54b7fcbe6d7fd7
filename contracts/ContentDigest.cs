using System.Security.Cryptography;

namespace PecLists.Contracts;

/// <summary>RFC 9530 <c>Content-Digest</c> with the sha-256 algorithm: <c>sha-256=:base64:</c>.</summary>
public static class ContentDigest
{
    private const string Prefix = "sha-256=:";

    public static string Format(ReadOnlySpan<byte> sha256) => $"{Prefix}{Convert.ToBase64String(sha256)}:";

    /// <summary>
    /// Finds the sha-256 member of a Content-Digest field value (other algorithms are ignored). Two sha-256 members
    /// that disagree (e.g. a duplicated header) make the whole value invalid.
    /// </summary>
    public static bool TryParseSha256(string? fieldValue, out byte[] sha256)
    {
        sha256 = [];
        if (string.IsNullOrWhiteSpace(fieldValue))
        {
            return false;
        }

        byte[]? found = null;
        foreach (var member in fieldValue.Split(','))
        {
            var item = member.Trim();
            if (!item.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !item.EndsWith(':') || item.Length <= Prefix.Length + 1)
            {
                continue;
            }

            var encoded = item[Prefix.Length..^1];
            var buffer = new byte[SHA256.HashSizeInBytes];
            if (!Convert.TryFromBase64String(encoded, buffer, out var written) || written != SHA256.HashSizeInBytes
                || (found is not null && !found.AsSpan().SequenceEqual(buffer)))
            {
                return false;
            }

            found = buffer;
        }

        sha256 = found ?? [];
        return found is not null;
    }
}
