using System.Security.Cryptography;
using System.Text;
using PecLists.Contracts;
using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Tests.Extraction;

/// <summary>Each mask kind on single values: what it makes of a value, of an empty string and of accented text.</summary>
public sealed class ColumnMaskTests
{
    private static readonly byte[] KeyBytes = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    public static MaskingKey Key(string id = "k1", byte[]? bytes = null) => new(id, bytes ?? KeyBytes);

    [Fact]
    public void Hash_is_the_key_id_then_the_lowercase_hex_hmac_sha256_of_the_utf8_value()
    {
        using var mask = new HashMask("nu_cpf", Key());

        var expected = "k1:" + Convert.ToHexStringLower(HMACSHA256.HashData(KeyBytes, Encoding.UTF8.GetBytes("123.456.789-09")));

        Assert.Equal(expected, mask.Mask("123.456.789-09"));
        Assert.Matches("^k1:[0-9a-f]{64}$", mask.Mask("12345678909"));
    }

    [Fact]
    public void The_same_value_hashes_the_same_way_at_two_sites_on_two_days_with_the_same_key()
    {
        // Two mask instances built from two configs holding the same key, as two sites' runs (or two days) do.
        using var siteA = new HashMask("nu_cpf", Key("2026a", [.. KeyBytes]));
        using var siteB = new HashMask("nu_cpf", Key("2026a", [.. KeyBytes]));

        Assert.Equal(siteA.Mask("12345678909"), siteB.Mask("12345678909"));
        Assert.Equal(siteA.Mask("12345678909"), siteA.Mask("12345678909")); // the instance keeps no state between values
        Assert.NotEqual(siteA.Mask("12345678909"), siteA.Mask("12345678908"));
    }

    [Fact]
    public void A_different_key_hashes_the_same_value_differently_and_a_new_key_id_shows_it()
    {
        var otherBytes = KeyBytes.Select(b => (byte)(b ^ 0xff)).ToArray();
        using var old = new HashMask("nu_cpf", Key("2026a"));
        using var otherKeySameId = new HashMask("nu_cpf", Key("2026a", otherBytes));
        using var rotated = new HashMask("nu_cpf", Key("2027a", otherBytes));

        Assert.NotEqual(old.Mask("12345678909"), otherKeySameId.Mask("12345678909"));
        Assert.StartsWith("2027a:", rotated.Mask("12345678909"), StringComparison.Ordinal);
        Assert.Equal(otherKeySameId.Mask("12345678909")![6..], rotated.Mask("12345678909")![6..]);
    }

    [Fact]
    public void Hash_hashes_accented_text_as_its_utf8_bytes_and_keeps_an_empty_string_empty()
    {
        using var mask = new HashMask("no_cidadao", Key());

        Assert.Equal("k1:" + Convert.ToHexStringLower(HMACSHA256.HashData(KeyBytes, Encoding.UTF8.GetBytes("João Conceição"))), mask.Mask("João Conceição"));
        Assert.Equal(string.Empty, mask.Mask(string.Empty));
        Assert.Null(mask.Mask(null));
    }

    [Fact]
    public void Redact_makes_every_value_null_an_empty_string_too()
    {
        var mask = new RedactMask("no_cidadao");

        Assert.Null(mask.Mask("Maria da Conceição"));
        Assert.Null(mask.Mask(string.Empty));
        Assert.Null(mask.Mask(null));
    }

    [Theory]
    [InlineData("1987-06-15", "month", "1987-06-01")]
    [InlineData("1987-06-15", "year", "1987-01-01")]
    [InlineData("1987-06-15", "day", "1987-06-15")]
    [InlineData("1987-06-15", "hour", "1987-06-15")]
    [InlineData("2026-12-07 14:33:10.123456", "hour", "2026-12-07 14:00:00")]
    [InlineData("2026-12-07 14:33:10", "day", "2026-12-07 00:00:00")]
    [InlineData("2026-12-07 14:33:10.5-03", "month", "2026-12-01 00:00:00-03")]
    [InlineData("2026-12-07 14:33:10+05:30", "hour", "2026-12-07 14:00:00+05:30")]
    [InlineData("2026-12-07T14:33:10Z", "year", "2026-01-01T00:00:00Z")]
    [InlineData("14:33:10.25", "hour", "14:00:00")]
    [InlineData("14:33:10-03", "hour", "14:00:00-03")]
    [InlineData("0044-03-15 BC", "month", "0044-03-01 BC")]
    [InlineData("12026-02-28", "month", "12026-02-01")]
    [InlineData("infinity", "month", "infinity")]
    [InlineData("-infinity", "year", "-infinity")]
    [InlineData("", "month", "")]
    public void Truncate_cuts_a_date_or_time_to_its_unit_and_keeps_the_offset(string value, string unit, string expected)
    {
        Assert.Equal(expected, new TruncateMask("dt", unit).Mask(value));
    }

    [Theory]
    [InlineData("15/06/1987", "month")]
    [InlineData("1987-06-15 secret", "month")]
    [InlineData("Maria", "year")]
    [InlineData("14:33:10", "month")] // a time of day has no month to keep
    public void Truncate_refuses_what_is_not_a_date_naming_the_column_never_the_value(string value, string unit)
    {
        var failure = Assert.Throws<MaskingException>(() => new TruncateMask("dt_nascimento", unit).Mask(value));

        Assert.Equal(("dt_nascimento", MaskFailure.NotADate), (failure.Column, failure.Failure));
        Assert.DoesNotContain(value, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("81987654321", 4, "*******4321")]
    [InlineData("(81) 98765-4321", 4, "***********4321")]
    [InlineData("4321", 4, "4321")]
    [InlineData("21", 4, "21")]
    [InlineData("Conceição", 3, "******ção")]
    [InlineData("Jose\u0301", 1, "***e\u0301")] // é as e + combining accent is one character
    [InlineData("", 4, "")]
    public void Last_digits_keeps_the_last_characters_and_stars_the_others(string value, int digits, string expected)
    {
        Assert.Equal(expected, new LastDigitsMask("nu_telefone_celular", digits).Mask(value));
    }

    [Fact]
    public void A_list_that_hashes_needs_the_key_and_without_it_names_the_column()
    {
        var list = new ListDefinitionDto("pessoas", 1, "SELECT 1", [new ListColumnDto("id", "integer"), new ListColumnDto("nu_cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash))], ["id"]);

        var failure = Assert.Throws<MaskingException>(() => ListMasks.For(list, key: null));

        Assert.Equal(("nu_cpf", MaskFailure.NoKey), (failure.Column, failure.Failure));
        Assert.True(ListMasks.NeedKey(list));
        Assert.Null(ListMasks.For(list with { Columns = [new ListColumnDto("id", "integer")] }, key: null));
    }

    [Fact]
    public void A_masking_key_shorter_than_32_bytes_or_with_a_bad_id_is_refused_and_never_printed()
    {
        Assert.Throws<ArgumentException>(() => new MaskingKey("k1", new byte[31]));
        Assert.Throws<ArgumentException>(() => new MaskingKey("Key One", KeyBytes));
        Assert.Equal("masking key k1", Key().ToString());
    }
}
