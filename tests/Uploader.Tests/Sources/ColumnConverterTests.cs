using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>JSON values to the text COPY reads, by the column's type and format; a wrong kind fails naming kinds, never the value.</summary>
public sealed class ColumnConverterTests
{
    [Theory]
    [InlineData("timestamptz", FieldFormats.EpochMilliseconds, "1733580000000", "2024-12-07T14:00:00+00:00")]
    [InlineData("timestamptz", FieldFormats.EpochMilliseconds, "1733580000123", "2024-12-07T14:00:00.123+00:00")]
    [InlineData("timestamptz", FieldFormats.EpochMilliseconds, "\"1733580000000\"", "2024-12-07T14:00:00+00:00")]
    [InlineData("timestamptz", FieldFormats.EpochSeconds, "1733580000", "2024-12-07T14:00:00+00:00")]
    [InlineData("timestamptz", FieldFormats.EpochSeconds, "1733580000.5", "2024-12-07T14:00:00.5+00:00")]
    [InlineData("timestamptz", FieldFormats.EpochSeconds, "-86400", "1969-12-31T00:00:00+00:00")]
    [InlineData("bigint", null, "42", "42")]
    [InlineData("integer", null, "\"42\"", "42")]
    [InlineData("numeric", null, "-22.90312", "-22.90312")]
    [InlineData("double precision", null, "1.5e-7", "1.5e-7")]
    [InlineData("numeric(10,2)", null, "\"3.25\"", "3.25")]
    [InlineData("boolean", null, "true", "true")]
    [InlineData("boolean", null, "false", "false")]
    [InlineData("text", null, "\"Jardim Oceânico\"", "Jardim Oceânico")]
    [InlineData("text", null, "\"\"", "")]
    [InlineData("text", null, "17", "17")]
    [InlineData("text", null, "true", "true")]
    public void A_value_becomes_the_text_its_column_type_reads(string type, string? format, string json, string expected)
    {
        var converter = new ColumnConverter(new ListColumnDto("c", type, Format: format));

        Assert.Equal(expected, converter.Convert(JsonDocument.Parse(json).RootElement));
    }

    [Theory]
    [InlineData("text", null)]
    [InlineData("bigint", null)]
    [InlineData("boolean", null)]
    [InlineData("timestamptz", FieldFormats.EpochMilliseconds)]
    public void Json_null_is_null_whatever_the_column(string type, string? format) =>
        Assert.Null(new ColumnConverter(new ListColumnDto("c", type, Format: format)).Convert(JsonDocument.Parse("null").RootElement));

    [Theory]
    [InlineData("timestamptz", FieldFormats.EpochMilliseconds, "\"Maria da Silva\"", "a string where the column needs a number (epoch-ms)")]
    [InlineData("timestamptz", FieldFormats.EpochSeconds, "{\"Maria da Silva\":1}", "an object where the column needs a number (epoch-s)")]
    [InlineData("bigint", null, "1.5", "a number where the column needs a whole number")]
    [InlineData("bigint", null, "\"Maria da Silva\"", "a string where the column needs a whole number")]
    [InlineData("numeric", null, "\"Maria da Silva\"", "a string where the column needs a number")]
    [InlineData("boolean", null, "\"Maria da Silva\"", "a string where the column needs true or false")]
    [InlineData("text", null, "[\"Maria da Silva\"]", "an array where the column needs a single value")]
    [InlineData("text", null, "\"Maria\\u0000da Silva\"", "U+0000")]
    [InlineData("timestamptz", FieldFormats.EpochMilliseconds, "1e30", "too large or too small")]
    public void A_value_that_does_not_convert_fails_naming_its_kind_and_never_quoting_it(string type, string? format, string json, string expected)
    {
        var converter = new ColumnConverter(new ListColumnDto("c", type, Format: format));

        var failed = Assert.Throws<ValueConversionException>(() => converter.Convert(JsonDocument.Parse(json).RootElement));

        Assert.Contains(expected, failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Maria", failed.Message, StringComparison.Ordinal);
    }
}
