using System.Text.RegularExpressions;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// The fleet-wide secret the <c>hash</c> mask keys its HMAC with, and its public id (which every hashed value carries as
/// its prefix, so rows hashed before and after a rotation are told apart). The key never leaves the process: not in
/// the signed definition, not in a log, not in <see cref="ToString"/>.
/// </summary>
public sealed partial class MaskingKey
{
    /// <summary>HMAC-SHA256's own block of security: a shorter key would be the weak part (RFC 2104 §3).</summary>
    public const int MinimumBytes = 32;

    public MaskingKey(string id, byte[] key)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException("a masking key id is 1 to 16 lowercase letters, digits or '-'", nameof(id));
        }

        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumBytes)
        {
            throw new ArgumentException($"a masking key has at least {MinimumBytes} bytes", nameof(key));
        }

        Id = id;
        Key = key;
    }

    public string Id { get; }

    internal byte[] Key { get; }

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The id only: a key printed by mistake (an interpolated message, a debugger) shows nothing secret.</summary>
    public override string ToString() => $"masking key {Id}";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,15}$")]
    private static partial Regex IdPattern();
}
