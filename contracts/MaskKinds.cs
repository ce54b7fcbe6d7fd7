namespace PecLists.Contracts;

/// <summary>
/// How the uploader masks a column before anything is spooled or sent (a column's <c>mask.kind</c>): the spool, the
/// blob and the central table never hold the clear value.
/// </summary>
public static class MaskKinds
{
    /// <summary>A keyed HMAC of the value (the key is a site config secret): the same value masks the same way everywhere, so joins still work.</summary>
    public const string Hash = "hash";

    /// <summary>The value is replaced by NULL.</summary>
    public const string Redact = "redact";

    /// <summary>A date or time cut to its <c>unit</c> (<see cref="TruncateUnits"/>), e.g. a birth date to its month.</summary>
    public const string Truncate = "truncate";

    /// <summary>Only the last <c>digits</c> characters are kept, the others become '*'.</summary>
    public const string LastDigits = "last-digits";

    public static readonly IReadOnlyList<string> All = [Hash, Redact, Truncate, LastDigits];

    /// <summary>What <see cref="Truncate"/> may cut a date to.</summary>
    public static readonly IReadOnlyList<string> TruncateUnits = ["year", "month", "day", "hour"];
}
