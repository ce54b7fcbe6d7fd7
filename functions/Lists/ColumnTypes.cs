using System.Globalization;
using System.Text.RegularExpressions;

namespace PecLists.Functions.Lists;

/// <summary>
/// The column types a list may use, under any name PostgreSQL accepts for them (operators copy their old central DDL:
/// <c>varchar(50)</c>, <c>int4</c>, <c>bool</c>...), normalised to one canonical spelling so that a type change is a
/// plain string comparison and the table's DDL is predictable. Anything else is refused: a type becomes SQL text.
/// </summary>
public static partial class ColumnTypes
{
    /// <summary>Canonical names, as they appear in refusal messages (modifiers shown as n, p, s).</summary>
    public static readonly IReadOnlyList<string> Allowed =
    [
        "text", "varchar(n)", "char(n)", "smallint", "integer", "bigint", "boolean", "date", "timestamp", "timestamptz",
        "numeric", "numeric(p,s)", "real", "double precision",
    ];

    // Aliases from the PostgreSQL manual, "Data Types" table 8.1 (name / aliases), for the types above.
    private static readonly Dictionary<string, string> Plain = new(StringComparer.Ordinal)
    {
        ["text"] = "text",
        ["varchar"] = "text", ["character varying"] = "text",
        ["smallint"] = "smallint", ["int2"] = "smallint",
        ["integer"] = "integer", ["int"] = "integer", ["int4"] = "integer",
        ["bigint"] = "bigint", ["int8"] = "bigint",
        ["boolean"] = "boolean", ["bool"] = "boolean",
        ["date"] = "date",
        ["timestamp"] = "timestamp", ["timestamp without time zone"] = "timestamp",
        ["timestamptz"] = "timestamptz", ["timestamp with time zone"] = "timestamptz",
        ["numeric"] = "numeric", ["decimal"] = "numeric",
        ["real"] = "real", ["float4"] = "real",
        ["double precision"] = "double precision", ["float8"] = "double precision", ["float"] = "double precision",
    };

    /// <summary>The canonical spelling of <paramref name="type"/>, or null when it is not an allowed type.</summary>
    public static string? Normalize(string? type)
    {
        if (type is null)
        {
            return null;
        }

        var spaced = Spaces().Replace(type.Trim().ToLowerInvariant(), " ");
        if (Plain.TryGetValue(spaced, out var plain))
        {
            return plain;
        }

        var modified = Modified().Match(spaced);
        if (!modified.Success)
        {
            return null;
        }

        var name = modified.Groups["name"].Value;
        var first = int.Parse(modified.Groups["a"].Value, CultureInfo.InvariantCulture);
        var second = modified.Groups["b"].Success ? int.Parse(modified.Groups["b"].Value, CultureInfo.InvariantCulture) : (int?)null;
        return name switch
        {
            // PostgreSQL's own limits: length 1..10485760, precision 1..1000, scale 0..precision (as of 9.6).
            "varchar" or "character varying" when second is null && first is >= 1 and <= 10_485_760 => $"varchar({first})",
            "char" or "character" when second is null && first is >= 1 and <= 10_485_760 => $"char({first})",
            "numeric" or "decimal" when first is >= 1 and <= 1000 && (second ?? 0) <= first => $"numeric({first},{second ?? 0})",
            _ => null,
        };
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?<name>varchar|character varying|char|character|numeric|decimal) ?\( ?(?<a>\d{1,8}) ?(, ?(?<b>\d{1,4}) ?)?\)$")]
    private static partial Regex Modified();
}
