using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LocalInfra.Examples;

/// <summary>
/// The masks as the README documents them ("Masking personal data"), written here apart from the uploader's code, so
/// a test or an example can say what the central value of a source value must be.
/// </summary>
public static class DocumentedMasks
{
    /// <summary><c>hash</c>: "&lt;key id&gt;:" and the lowercase hex HMAC-SHA256 of the value's UTF-8 bytes; NULL stays NULL, "" stays "".</summary>
    public static string? Hash(string keyId, byte[] key, string? value) =>
        string.IsNullOrEmpty(value) ? value : keyId + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));

    /// <summary><c>last-digits</c>: the last <paramref name="digits"/> text elements kept, each one before them <c>*</c>.</summary>
    public static string? LastDigits(string? value, int digits)
    {
        if (value is null)
        {
            return null;
        }

        var elements = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(value);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements.Count <= digits ? value : new string('*', elements.Count - digits) + string.Concat(elements.Skip(elements.Count - digits));
    }
}
