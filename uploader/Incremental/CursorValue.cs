using System.Globalization;
using System.Text.RegularExpressions;

namespace PecLists.Uploader.Incremental;

/// <summary>
/// A value of an incremental list's cursor column: a <c>timestamptz</c> (an instant, kept in UTC), a <c>timestamp</c>
/// without time zone or a <c>date</c> (kept as written; PostgreSQL reads both kinds the same way again, in the session's
/// TimeZone, so the comparison the source runs is consistent with the one that chose the value). Parsed strictly from
/// what PostgreSQL's COPY prints (DateStyle ISO: "2026-12-07 09:50:03.123456-03") and from what the backend serves back
/// (X-Cursor, ISO 8601): anything else, such as 'infinity', a BC date or text with a quote in it, is refused, so a value
/// that reaches the source's SQL is only ever digits and separators this type wrote itself.
/// </summary>
public readonly partial record struct CursorValue(DateTime Value, bool IsInstant) : IComparable<CursorValue>
{
    /// <summary>Microseconds: PostgreSQL's precision, so a value read back compares equal to the row it came from.</summary>
    private const string Iso = "yyyy-MM-dd'T'HH:mm:ss.ffffff";

    /// <summary>The same without separators, for a spool file name (no ':' on Windows, no '.' between the name's parts).</summary>
    private const string Compact = "yyyyMMdd'T'HHmmssffffff";

    /// <summary>The value as PostgreSQL reads it back (and as X-Cursor carries it): ISO 8601, UTC 'Z' for an instant.</summary>
    public override string ToString() =>
        Value.ToString(Iso, CultureInfo.InvariantCulture) + (IsInstant ? "Z" : string.Empty);

    /// <summary>For a spool file name: <see cref="ToString"/> without separators.</summary>
    public string ToToken() => Value.ToString(Compact, CultureInfo.InvariantCulture) + (IsInstant ? "Z" : string.Empty);

    public CursorValue Minus(TimeSpan window) => this with { Value = Value - window };

    public int CompareTo(CursorValue other) => Value.CompareTo(other.Value);

    public static bool operator <(CursorValue a, CursorValue b) => a.CompareTo(b) < 0;

    public static bool operator >(CursorValue a, CursorValue b) => a.CompareTo(b) > 0;

    public static bool operator <=(CursorValue a, CursorValue b) => a.CompareTo(b) <= 0;

    public static bool operator >=(CursorValue a, CursorValue b) => a.CompareTo(b) >= 0;

    public static CursorValue Max(CursorValue a, CursorValue b) => a.CompareTo(b) >= 0 ? a : b;

    /// <summary>Parses a value PostgreSQL printed or the backend served; null when it is not one (never an exception).</summary>
    public static CursorValue? TryParse(ReadOnlySpan<char> text)
    {
        var match = Shape().Match(text.ToString());
        if (!match.Success)
        {
            return null;
        }

        var g = match.Groups;
        if (!DateTime.TryParseExact($"{g["date"].Value}T{(g["time"].Success ? g["time"].Value : "00:00:00")}", "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null; // 2026-02-30, 25:00:00
        }

        if (g["fraction"].Success)
        {
            // Up to 7 digits (.NET's 100 ns ticks); PostgreSQL prints at most 6.
            local = local.AddTicks(long.Parse(g["fraction"].Value.PadRight(7, '0'), CultureInfo.InvariantCulture));
        }

        if (g["zulu"].Success)
        {
            return new CursorValue(DateTime.SpecifyKind(local, DateTimeKind.Utc), true);
        }

        if (!g["sign"].Success)
        {
            return new CursorValue(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), false);
        }

        // "-03", "+05:30", and the seconds PostgreSQL prints for historical local mean times ("-03:06:28").
        var offset = new TimeSpan(
            int.Parse(g["oh"].Value, CultureInfo.InvariantCulture),
            g["om"].Success ? int.Parse(g["om"].Value, CultureInfo.InvariantCulture) : 0,
            g["os"].Success ? int.Parse(g["os"].Value, CultureInfo.InvariantCulture) : 0);
        var utc = g["sign"].Value == "-" ? local + offset : local - offset;
        return new CursorValue(DateTime.SpecifyKind(utc, DateTimeKind.Utc), true);
    }

    /// <summary>Reads back <see cref="ToToken"/>; null when <paramref name="token"/> is not one.</summary>
    public static CursorValue? FromToken(string token)
    {
        var instant = token.EndsWith('Z');
        var digits = instant ? token[..^1] : token;
        return DateTime.TryParseExact(digits, Compact, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? new CursorValue(DateTime.SpecifyKind(value, instant ? DateTimeKind.Utc : DateTimeKind.Unspecified), instant)
            : null;
    }

    /// <summary>
    /// A date, optionally a time with up to 7 fraction digits, optionally 'Z' or a ±HH[:MM[:SS]] offset; ' ' or 'T'
    /// between date and time. Nothing else: no words, no quotes, no era.
    /// </summary>
    [GeneratedRegex(@"^(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T](?<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.(?<fraction>[0-9]{1,7}))?)?(?:(?<zulu>Z)|(?<sign>[+-])(?<oh>[0-9]{2})(?::?(?<om>[0-9]{2})(?::(?<os>[0-9]{2}))?)?)?\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Shape();
}
