using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// <c>hash</c>: HMAC-SHA256 of the value's UTF-8 bytes with the fleet's masking key, written <c>{keyId}:{64 lowercase hex
/// digits}</c>. Every site holds the same key, so the same value hashes the same way at every site and on every day and
/// the hashed columns still join; without the key a hash cannot be checked against a guessed CPF (a plain SHA-256 of an
/// 11-digit CPF falls to a brute force of 10^11 guesses). The value is hashed exactly as written: formats are the
/// list SQL's to normalise. An empty string stays empty (there is nothing in it to hide).
/// </summary>
public sealed class HashMask : ColumnMask, IDisposable
{
    /// <summary>Hex of SHA-256's 32 bytes.</summary>
    private const int HexLength = 64;

    private readonly IncrementalHash _hmac;
    private readonly string _prefix;
    private readonly byte[] _hash = new byte[32];
    private byte[] _utf8 = new byte[256];

    public HashMask(string column, MaskingKey key)
        : base(column)
    {
        ArgumentNullException.ThrowIfNull(key);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.Key);
        _prefix = key.Id + ":";
    }

    public override bool Apply(ReadOnlySpan<char> value, ArrayBufferWriter<char> output)
    {
        if (value.IsEmpty)
        {
            return true;
        }

        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < length)
        {
            _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        }

        var bytes = Encoding.UTF8.GetBytes(value, _utf8);
        _hmac.AppendData(_utf8, 0, bytes);
        _hmac.GetHashAndReset(_hash);
        output.Write(_prefix);
        Convert.TryToHexStringLower(_hash, output.GetSpan(HexLength), out var written);
        output.Advance(written);
        return true;
    }

    public void Dispose() => _hmac.Dispose();
}
