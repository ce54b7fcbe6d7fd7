using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace PecLists.Contracts;

/// <summary>
/// The order-independent digest of a snapshot-mode list's rows over its compared columns (key columns and every column
/// whose <c>compare</c> is not false; extraction-time columns are left out), as the edge computes it from the CSV it
/// extracted and the backend from the rows it holds (docs/adr/0024-unchanged-deliveries.md). Precisely:
/// <list type="number">
/// <item>Each compared value, in the definition's column order, is written canonically for its type
/// (<see cref="Canonical"/>), so the edge's text and the central typed value give the same string.</item>
/// <item>A row's text is, for each compared column, <c>N</c> for NULL or <c>S</c>, the canonical value's UTF-8 byte
/// length in decimal, <c>:</c> and the value: no two rows share a text unless their compared values are equal.</item>
/// <item>A row's hash is the MD5 of its text's UTF-8 bytes, read as two unsigned 64-bit big-endian halves.</item>
/// <item>The digest is the number of rows and, per half, the sum of the halves of every row modulo 2^64. Sums make it
/// independent of row order and keep duplicate rows (a keyless list) apart from single ones, which XOR would not.</item>
/// </list>
/// Written as <c>md5-sum-v1:</c> followed by the two sums, 16 lowercase hex digits each. MD5 is a checksum here, not a
/// defence: the edge is an authenticated site, and the backend never takes its word for what it holds.
/// </summary>
public sealed partial class RowsDigest
{
    public const string Prefix = "md5-sum-v1:";

    private ulong _high;
    private ulong _low;

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>The digest as it travels (<see cref="Prefix"/> and 32 hex digits).</summary>
    public string Value => Format(_high, _low);

    public static string Format(ulong high, ulong low) => $"{Prefix}{high:x16}{low:x16}";

    /// <summary>True when <paramref name="value"/> has the digest's form.</summary>
    public static bool IsWellFormed(string? value) => value is not null && WellFormed().IsMatch(value);

    /// <summary>The family of a list column's declared type ("varchar(50)", "int4", "timestamp with time zone"...).</summary>
    public static RowsDigestKind KindOf(string type)
    {
        var spaced = Spaces().Replace(type.Trim().ToLowerInvariant(), " ");
        var name = spaced.Split('(')[0].Trim();
        return name switch
        {
            "char" or "character" or "bpchar" => RowsDigestKind.PaddedText,
            "smallint" or "int2" or "integer" or "int" or "int4" or "bigint" or "int8" => RowsDigestKind.WholeNumber,
            "boolean" or "bool" => RowsDigestKind.Boolean,
            "date" => RowsDigestKind.Date,
            "timestamp" or "timestamp without time zone" => RowsDigestKind.Timestamp,
            "timestamptz" or "timestamp with time zone" => RowsDigestKind.TimestampTz,
            "numeric" or "decimal" => RowsDigestKind.Numeric,
            "real" or "float4" => RowsDigestKind.Real,
            "double precision" or "float8" or "float" => RowsDigestKind.DoublePrecision,
            _ => RowsDigestKind.Text,
        };
    }

    /// <summary>The compared columns of a definition, in its order: its key columns and every column with compare on.</summary>
    public static IReadOnlyList<ListColumnDto> ComparedColumns(ListDefinitionDto list) =>
        [.. list.Columns.Where(c => c.Compare || list.Key.Contains(c.Name))];

    /// <summary>Adds one row: its compared values, canonical (<see cref="Canonical"/>), NULL as null.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "A checksum PostgreSQL's md5() computes in SQL the same way, not a defence: the backend recomputes what it holds itself.")]
    public void Add(IReadOnlyList<string?> canonicalValues)
    {
        var text = new StringBuilder();
        foreach (var value in canonicalValues)
        {
            if (value is null)
            {
                text.Append('N');
            }
            else
            {
                text.Append('S').Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
            }
        }

        Span<byte> hash = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        unchecked
        {
            _high += BinaryPrimitives.ReadUInt64BigEndian(hash[..8]);
            _low += BinaryPrimitives.ReadUInt64BigEndian(hash[8..]);
        }

        Rows++;
    }

    /// <summary>
    /// The canonical text of one value of a column of <paramref name="kind"/> as PostgreSQL's COPY reads it (null: NULL).
    /// Text a type cannot read is kept as it is: the central load would refuse it anyway, and the digest then simply
    /// never matches what the backend holds.
    /// </summary>
    public static string? Canonical(RowsDigestKind kind, string? value) => value is null ? null : kind switch
    {
        RowsDigestKind.PaddedText => value.TrimEnd(' '),
        RowsDigestKind.WholeNumber => long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var whole)
            ? whole.ToString(CultureInfo.InvariantCulture)
            : value,
        RowsDigestKind.Boolean => Boolean(value),
        RowsDigestKind.Timestamp => Timestamp(value, utc: false),
        RowsDigestKind.TimestampTz => Timestamp(value, utc: true),
        RowsDigestKind.Numeric => Numeric(value),
        RowsDigestKind.Real => Real(value),
        RowsDigestKind.DoublePrecision => Double(value),
        _ => value,
    };

    /// <summary>PostgreSQL's boolin: case-insensitive, trimmed, any unique prefix of true/false/yes/no, on/off, 1/0.</summary>
    private static string Boolean(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        if (v.Length == 0)
        {
            return value;
        }

        if ("true".StartsWith(v, StringComparison.Ordinal) || "yes".StartsWith(v, StringComparison.Ordinal) || v is "on" or "1")
        {
            return "t";
        }

        return "false".StartsWith(v, StringComparison.Ordinal) || "no".StartsWith(v, StringComparison.Ordinal) || v is "off" or "of" or "0" ? "f" : value;
    }

    private static string Timestamp(string value, bool utc)
    {
        var match = TimestampText().Match(value.Trim());
        if (!match.Success)
        {
            return value;
        }

        int Part(string name) => int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        var fraction = match.Groups["f"].Success ? match.Groups["f"].Value.PadRight(6, '0') : "000000";
        try
        {
            var local = new DateTime(Part("y"), Part("mo"), Part("d"), Part("h"), Part("mi"), match.Groups["s"].Success ? Part("s") : 0, DateTimeKind.Unspecified)
                .AddTicks(int.Parse(fraction, CultureInfo.InvariantCulture) * 10L);
            if (utc && match.Groups["sign"].Success)
            {
                var offset = new TimeSpan(Part("oh"), match.Groups["om"].Success ? Part("om") : 0, match.Groups["os"].Success ? Part("os") : 0);
                local = match.Groups["sign"].Value == "-" ? local + offset : local - offset;
            }

            return local.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        }
        catch (ArgumentOutOfRangeException)
        {
            return value;
        }
    }

    private static string Numeric(string value)
    {
        var match = NumericText().Match(value.Trim());
        if (!match.Success)
        {
            return value;
        }

        var whole = match.Groups["w"].Value.TrimStart('0');
        var fraction = match.Groups["f"].Value.TrimEnd('0');
        var digits = (whole.Length == 0 ? "0" : whole) + (fraction.Length == 0 ? string.Empty : "." + fraction);
        return match.Groups["sign"].Value == "-" && digits != "0" ? "-" + digits : digits;
    }

    private static string Real(string value) =>
        float.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var single)
            ? single == 0 ? "0" : float.IsNaN(single) ? "NaN" : BitConverter.SingleToInt32Bits(single).ToString("x8", CultureInfo.InvariantCulture)
            : value;

    private static string Double(string value) =>
        double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number == 0 ? "0" : double.IsNaN(number) ? "NaN" : BitConverter.DoubleToInt64Bits(number).ToString("x16", CultureInfo.InvariantCulture)
            : value;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^md5-sum-v1:[0-9a-f]{32}$")]
    private static partial Regex WellFormed();

    [GeneratedRegex(@"^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[ T](?<h>\d{2}):(?<mi>\d{2})(:(?<s>\d{2})(\.(?<f>\d{1,6}))?)?(Z|(?<sign>[+-])(?<oh>\d{2})(:?(?<om>\d{2}))?(:?(?<os>\d{2}))?)?$")]
    private static partial Regex TimestampText();

    [GeneratedRegex(@"^(?<sign>[+-]?)(?=\.?\d)(?<w>\d*)(\.(?<f>\d*))?$")]
    private static partial Regex NumericText();
}
