using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

/// <summary>The rows digest of ADR 0024: its exact form, order independence, NULLs, accents and each type's canonical text.</summary>
public sealed class RowsDigestTests
{
    private static string Digest(params string?[][] rows)
    {
        var digest = new RowsDigest();
        foreach (var row in rows)
        {
            digest.Add(row);
        }

        return digest.Value;
    }

    [Fact]
    public void One_row_is_the_md5_of_its_length_prefixed_text_split_in_two_halves()
    {
        // Written out by hand from the ADR: "S" + UTF-8 byte length + ":" + value, "N" for NULL; "ã" is two bytes.
#pragma warning disable CA5351 // the digest's own checksum, written out independently of the code under test
        var md5 = MD5.HashData(Encoding.UTF8.GetBytes("S1:7NS5:João"));
#pragma warning restore CA5351
        var expected = $"md5-sum-v1:{BinaryPrimitives.ReadUInt64BigEndian(md5.AsSpan(0, 8)):x16}{BinaryPrimitives.ReadUInt64BigEndian(md5.AsSpan(8)):x16}";

        Assert.Equal(expected, Digest(["7", null, "João"]));
        Assert.True(RowsDigest.IsWellFormed(expected));
    }

    [Fact]
    public void The_order_of_rows_does_not_change_the_digest()
    {
        string?[] a = ["1", "Maria"], b = ["2", "José"], c = ["3", null];

        Assert.Equal(Digest(a, b, c), Digest(c, a, b));
        Assert.Equal(Digest(a, b, c), Digest(b, c, a));
    }

    [Fact]
    public void A_duplicate_row_counts_and_does_not_cancel_out()
    {
        string?[] a = ["1", "Maria"], b = ["2", "José"];

        Assert.NotEqual(Digest(a, b), Digest(a, a, b));
        Assert.NotEqual(Digest(b), Digest(a, a, b)); // XOR would make these equal
    }

    [Fact]
    public void Null_empty_text_and_the_letter_N_are_three_different_values()
    {
        Assert.Equal(3, new[] { Digest(["1", null]), Digest(["1", string.Empty]), Digest(["1", "N"]) }.Distinct().Count());
    }

    [Fact]
    public void Values_cannot_shift_between_columns()
    {
        Assert.NotEqual(Digest(["ab", "c"]), Digest(["a", "bc"]));
        Assert.NotEqual(Digest(["S1:a", null]), Digest(["S1:a" + "N"]));
    }

    [Fact]
    public void Accented_text_is_its_utf8_bytes_and_a_changed_accent_changes_the_digest()
    {
        Assert.NotEqual(Digest(["1", "José"]), Digest(["1", "Jose"]));
        Assert.NotEqual(Digest(["1", "José"]), Digest(["1", "Jos\u0065\u0301"])); // decomposed é: other bytes, as central would store them
        Assert.Equal(Digest(["1", "Conceição"]), Digest(["1", "Conceição"]));
    }

    [Fact]
    public void Changing_one_value_of_one_row_changes_the_digest()
    {
        string?[] a = ["1", "Maria", "2020-01-01"], b = ["2", "José", null];

        Assert.NotEqual(Digest(a, b), Digest(a, ["2", "José", "2020-01-02"]));
        Assert.NotEqual(Digest(a, b), Digest(a));
    }

    [Theory]
    [InlineData("varchar(50)", RowsDigestKind.Text)]
    [InlineData("text", RowsDigestKind.Text)]
    [InlineData("char(3)", RowsDigestKind.PaddedText)]
    [InlineData("int4", RowsDigestKind.WholeNumber)]
    [InlineData("bigint", RowsDigestKind.WholeNumber)]
    [InlineData("BOOL", RowsDigestKind.Boolean)]
    [InlineData("date", RowsDigestKind.Date)]
    [InlineData("timestamp without time zone", RowsDigestKind.Timestamp)]
    [InlineData("timestamp with time zone", RowsDigestKind.TimestampTz)]
    [InlineData("numeric(10,2)", RowsDigestKind.Numeric)]
    [InlineData("float4", RowsDigestKind.Real)]
    [InlineData("double precision", RowsDigestKind.DoublePrecision)]
    public void A_declared_type_has_its_family(string type, RowsDigestKind kind) => Assert.Equal(kind, RowsDigest.KindOf(type));

    [Theory]
    [InlineData(RowsDigestKind.Text, " a b ", " a b ")]
    [InlineData(RowsDigestKind.PaddedText, "ab   ", "ab")]
    [InlineData(RowsDigestKind.WholeNumber, "007", "7")]
    [InlineData(RowsDigestKind.WholeNumber, "-12", "-12")]
    [InlineData(RowsDigestKind.Boolean, "true", "t")]
    [InlineData(RowsDigestKind.Boolean, "t", "t")]
    [InlineData(RowsDigestKind.Boolean, "f", "f")]
    [InlineData(RowsDigestKind.Boolean, "No", "f")]
    [InlineData(RowsDigestKind.Date, "2024-02-29", "2024-02-29")]
    [InlineData(RowsDigestKind.Timestamp, "2024-02-29 13:45:01.5", "2024-02-29 13:45:01.500000")]
    [InlineData(RowsDigestKind.Timestamp, "2024-02-29T13:45:01-03:00", "2024-02-29 13:45:01.000000")]
    [InlineData(RowsDigestKind.TimestampTz, "2024-02-29 22:45:01.123456-03", "2024-03-01 01:45:01.123456")]
    [InlineData(RowsDigestKind.TimestampTz, "2024-03-01T01:45:01.123456+00:00", "2024-03-01 01:45:01.123456")]
    [InlineData(RowsDigestKind.TimestampTz, "2024-03-01 01:45:01.123456Z", "2024-03-01 01:45:01.123456")]
    [InlineData(RowsDigestKind.TimestampTz, "1900-01-01 00:00:00-03:06:28", "1900-01-01 03:06:28.000000")]
    [InlineData(RowsDigestKind.Numeric, "70.50", "70.5")]
    [InlineData(RowsDigestKind.Numeric, "070.0", "70")]
    [InlineData(RowsDigestKind.Numeric, "-0.00", "0")]
    [InlineData(RowsDigestKind.Numeric, ".5", "0.5")]
    [InlineData(RowsDigestKind.Numeric, "-1.250", "-1.25")]
    [InlineData(RowsDigestKind.Numeric, "NaN", "NaN")]
    [InlineData(RowsDigestKind.DoublePrecision, "0.1", "3fb999999999999a")]
    [InlineData(RowsDigestKind.DoublePrecision, "-0", "0")]
    [InlineData(RowsDigestKind.DoublePrecision, "NaN", "NaN")]
    [InlineData(RowsDigestKind.Real, "0.1", "3dcccccd")]
    public void Each_type_writes_one_canonical_text(RowsDigestKind kind, string value, string canonical) =>
        Assert.Equal(canonical, RowsDigest.Canonical(kind, value));

    [Fact]
    public void Null_stays_null_under_every_type()
    {
        Assert.All(Enum.GetValues<RowsDigestKind>(), kind => Assert.Null(RowsDigest.Canonical(kind, null)));
    }

    [Theory]
    [InlineData("md5-sum-v1:0123456789abcdef0123456789abcdef", true)]
    [InlineData("md5-sum-v1:0123456789ABCDEF0123456789abcdef", false)]
    [InlineData("md5-sum-v1:0123", false)]
    [InlineData("sha-256=:abc:", false)]
    [InlineData(null, false)]
    public void Only_the_digest_form_is_well_formed(string? value, bool wellFormed) => Assert.Equal(wellFormed, RowsDigest.IsWellFormed(value));

    [Fact]
    public void Compared_columns_are_the_key_and_those_with_compare_on()
    {
        var list = new ListDefinitionDto("l", 1, "SELECT 1", [new("id", "bigint", Compare: false), new("nome", "text"), new("dt_extracao", "timestamptz", Compare: false)], ["id"]);

        Assert.Equal(["id", "nome"], RowsDigest.ComparedColumns(list).Select(c => c.Name));
    }
}
