using System.Globalization;
using System.Text.RegularExpressions;

namespace PecLists.Functions.Snapshots;

/// <summary>
/// An incremental list's cursor as <c>X-Cursor</c> carries it: a value of the list's cursor column, written as
/// PostgreSQL's CSV output writes that type, so the uploader can send the highest value among its rows as it read it.
/// The column's type decides the format and the order (docs/adr/0022-list-definitions-beyond-one-query.md):
/// <list type="bullet">
/// <item><c>timestamptz</c>: ISO 8601 date and time with an offset (<c>2026-11-23T03:00:00.123456Z</c>,
/// <c>2026-11-23 03:00:00+00</c>), ordered by instant.</item>
/// <item><c>timestamp</c>: ISO 8601 date and time without an offset; <c>date</c>: <c>yyyy-MM-dd</c>.</item>
/// <item><c>smallint</c>, <c>integer</c>, <c>bigint</c>: an integer in the type's range; <c>numeric</c>, <c>real</c>,
/// <c>double precision</c>: a plain decimal number.</item>
/// <item><c>text</c>, <c>varchar(n)</c>, <c>char(n)</c>: printable ASCII, ordered byte by byte (PostgreSQL's "C" collation).</item>
/// </list>
/// A boolean is no cursor. At most <see cref="MaxLength"/> characters of printable ASCII whatever the type: the value
/// travels in an HTTP header and in blob metadata, which take ASCII only.
/// </summary>
public static partial class CursorValues
{
    public const int MaxLength = 100;

    /// <summary>The value <paramref name="text"/> stands for in a column of <paramref name="columnType"/> (canonical spelling), null when it is not one.</summary>
    public static IComparable? Parse(string? columnType, string? text)
    {
        if (columnType is null || text is null || text.Length is 0 or > MaxLength || !text.All(c => c is >= ' ' and <= '~'))
        {
            return null;
        }

        return columnType switch
        {
            "timestamptz" => WithOffset().Match(text) is { Success: true } m
                && DateTimeOffset.TryParse($"{m.Groups["date"].Value}T{m.Groups["time"].Value}{Offset(m.Groups["offset"].Value)}", CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
                    ? instant
                    : null,
            "timestamp" => WithoutOffset().Match(text) is { Success: true } m
                && DateTime.TryParse($"{m.Groups["date"].Value}T{m.Groups["time"].Value}", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
                    ? local
                    : null,
            "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null,
            "smallint" => Integer(text, short.MinValue, short.MaxValue),
            "integer" => Integer(text, int.MinValue, int.MaxValue),
            "bigint" => Integer(text, long.MinValue, long.MaxValue),
            "real" or "double precision" or "numeric" => Decimal(text),
            _ when columnType.StartsWith("numeric(", StringComparison.Ordinal) => Decimal(text),
            "text" => new OrdinalText(text),
            _ when columnType.StartsWith("varchar(", StringComparison.Ordinal) || columnType.StartsWith("char(", StringComparison.Ordinal) => new OrdinalText(text),
            _ => null,
        };
    }

    /// <summary>
    /// Whether <paramref name="candidate"/> may become the acknowledged cursor in place of <paramref name="current"/>:
    /// it is not lower. A current value that is no value of the type (the list's cursor column changed) gives way.
    /// </summary>
    public static bool MayReplace(string? columnType, string candidate, string? current)
    {
        var next = Parse(columnType, candidate);
        if (next is null)
        {
            return false;
        }

        var now = Parse(columnType, current);
        return now is null || next.GetType() != now.GetType() || next.CompareTo(now) >= 0;
    }

    /// <summary>How the type's cursor is written, for a refusal's detail (never the value sent).</summary>
    public static string Describe(string? columnType) => columnType switch
    {
        null => "the list names no cursor column",
        "timestamptz" => "an ISO 8601 date and time with an offset, such as 2024-01-31T23:59:59.5-03:00 or 2024-02-01 02:59:59.5+00",
        "timestamp" => "an ISO 8601 date and time without an offset, such as 2024-01-31T23:59:59.5",
        "date" => "a date as yyyy-MM-dd",
        "smallint" or "integer" or "bigint" => $"an integer in the range of {columnType}",
        "boolean" => "nothing: a boolean column cannot be a cursor",
        _ when columnType.StartsWith("numeric", StringComparison.Ordinal) || columnType is "real" or "double precision" => "a decimal number such as -12.5",
        _ => $"printable ASCII text of at most {MaxLength} characters",
    };

    private static string Offset(string offset) => offset switch
    {
        "Z" => "Z",
        { Length: 3 } => offset + ":00",
        { Length: 5 } => $"{offset[..3]}:{offset[3..]}",
        _ => offset,
    };

    private static long? Integer(string text, long min, long max) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value : null;

    private static decimal? Decimal(string text) =>
        PlainNumber().IsMatch(text) && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : null;

    // PostgreSQL writes "2026-11-23 03:00:00.123456+00"; ISO 8601 writers use 'T' and "Z" or "+00:00". Up to 7 fraction digits (.NET's ticks).
    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[T ](?<time>\d{2}:\d{2}:\d{2}(\.\d{1,7})?)(?<offset>Z|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex WithOffset();

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[T ](?<time>\d{2}:\d{2}:\d{2}(\.\d{1,7})?)$")]
    private static partial Regex WithoutOffset();

    [GeneratedRegex(@"^-?\d{1,30}(\.\d{1,30})?$")]
    private static partial Regex PlainNumber();

    /// <summary>Text ordered by its bytes, as PostgreSQL's "C" collation orders it (the value is ASCII).</summary>
    private sealed record OrdinalText(string Value) : IComparable
    {
        public int CompareTo(object? obj) => string.CompareOrdinal(Value, (obj as OrdinalText)?.Value);
    }
}
