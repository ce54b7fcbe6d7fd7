namespace PecLists.Contracts;

/// <summary>How <see cref="RowsDigest"/> writes one column's value canonically, by the family of its declared type.</summary>
public enum RowsDigestKind
{
    /// <summary>text, varchar(n): the value as it is.</summary>
    Text,

    /// <summary>char(n): trailing spaces dropped (PostgreSQL's bpchar to text cast drops them too).</summary>
    PaddedText,

    /// <summary>smallint, integer, bigint: invariant decimal digits.</summary>
    WholeNumber,

    /// <summary>boolean: <c>t</c> or <c>f</c>.</summary>
    Boolean,

    /// <summary>date: <c>yyyy-MM-dd</c> (with <c> BC</c> before year 1).</summary>
    Date,

    /// <summary>timestamp: <c>yyyy-MM-dd HH:mm:ss.ffffff</c>, any offset in the text ignored as PostgreSQL ignores it.</summary>
    Timestamp,

    /// <summary>timestamptz: the instant in UTC as <c>yyyy-MM-dd HH:mm:ss.ffffff</c> (a value without an offset is read as UTC).</summary>
    TimestampTz,

    /// <summary>numeric, numeric(p,s): decimal digits without leading or trailing zeros (70.50 and 70.5 are one value).</summary>
    Numeric,

    /// <summary>real: the IEEE 754 single's bytes in hex (0 for either zero, NaN for any NaN).</summary>
    Real,

    /// <summary>double precision: the IEEE 754 double's bytes in hex (0 for either zero, NaN for any NaN).</summary>
    DoublePrecision,
}
