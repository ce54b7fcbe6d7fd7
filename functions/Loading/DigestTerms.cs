using System.Globalization;
using PecLists.Contracts;

namespace PecLists.Functions.Loading;

/// <summary>
/// A <see cref="RowsDigest"/> as numbers: a row count and the two sums modulo 2^64. Being sums, a digest can be kept up
/// to date by adding the terms of the rows a load wrote and subtracting those of the rows it replaced or removed
/// (docs/adr/0024-unchanged-deliveries.md, "Keeping the digest").
/// </summary>
public readonly record struct DigestTerms(long Rows, ulong High, ulong Low)
{
    /// <summary>The digest's text.</summary>
    public string Value => RowsDigest.Format(High, Low);

    /// <summary>From what <see cref="RowsDigestSql"/> returns: the sums as signed bigints whose bits are the unsigned sums.</summary>
    public static DigestTerms FromSql(long rows, long high, long low) => new(rows, unchecked((ulong)high), unchecked((ulong)low));

    /// <summary>From a held digest's row count and text; null when the text is not a digest's (then it is recomputed).</summary>
    public static DigestTerms? Parse(long rows, string value) =>
        RowsDigest.IsWellFormed(value)
            ? new DigestTerms(
                rows,
                ulong.Parse(value.AsSpan(RowsDigest.Prefix.Length, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                ulong.Parse(value.AsSpan(RowsDigest.Prefix.Length + 16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))
            : null;

    /// <summary>The terms of both sets of rows together.</summary>
    public DigestTerms Plus(DigestTerms other) => Apply(other, default);

    /// <summary>This digest with <paramref name="added"/>'s rows in and <paramref name="removed"/>'s out (sums wrap modulo 2^64).</summary>
    public DigestTerms Apply(DigestTerms added, DigestTerms removed) =>
        new(Rows + added.Rows - removed.Rows, unchecked(High + added.High - removed.High), unchecked(Low + added.Low - removed.Low));
}
