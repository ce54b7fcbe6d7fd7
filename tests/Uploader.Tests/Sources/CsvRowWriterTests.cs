using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>The CSV dialect PostgreSQL's COPY writes and reads: NULL unquoted empty, the empty string quoted, quotes doubled.</summary>
public sealed class CsvRowWriterTests
{
    [Fact]
    public void Null_is_an_empty_unquoted_field_and_the_empty_string_is_quoted()
    {
        var text = new StringWriter();

        new CsvRowWriter(text).WriteRow(["a", null, string.Empty, "b"]);

        Assert.Equal("a,,\"\",b\n", text.ToString());
    }

    [Theory]
    [InlineData("Santa Cruz, Campo Grande", "\"Santa Cruz, Campo Grande\"")]
    [InlineData("o \"BRT\"", "\"o \"\"BRT\"\"\"")]
    [InlineData("linha 1\nlinha 2", "\"linha 1\nlinha 2\"")]
    [InlineData("a\rb", "\"a\rb\"")]
    [InlineData("\\.", "\"\\.\"")]
    [InlineData("Jardim Oceânico", "Jardim Oceânico")]
    [InlineData(" espaço ", " espaço ")]
    public void A_value_is_quoted_only_when_COPY_would_misread_it(string value, string expected)
    {
        var text = new StringWriter();

        new CsvRowWriter(text).WriteRow([value]);

        Assert.Equal(expected + "\n", text.ToString());
    }

    [Fact]
    public void The_writer_counts_every_character_it_wrote()
    {
        var text = new StringWriter();
        var csv = new CsvRowWriter(text);

        csv.WriteRow(["id", "nome"]);
        csv.WriteRow(["1", "a,b"]);

        Assert.Equal(text.ToString().Length, csv.Chars);
    }
}
