using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Tests.Extraction;

/// <summary>
/// The masking stage on CSV as PostgreSQL writes it: records parsed (quotes, commas and line breaks inside quoted
/// fields), NULL kept apart from the empty string, unmasked fields passed through byte for byte, whatever the size of
/// the buffers the source writes in; and a list without masks takes the unmasked path unchanged.
/// </summary>
public sealed class MaskingCsvWriterTests
{
    private static readonly ListDefinitionDto Pessoas = new(
        "pessoas", 1, "SELECT …",
        [
            new ListColumnDto("id", "bigint"),
            new ListColumnDto("nu_cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
            new ListColumnDto("no_cidadao", "text", Mask: new ColumnMaskDto(MaskKinds.Redact)),
            new ListColumnDto("dt_nascimento", "date", Mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "month")),
            new ListColumnDto("nu_telefone_celular", "text", Mask: new ColumnMaskDto(MaskKinds.LastDigits, Digits: 4)),
            new ListColumnDto("ds_observacao", "text"),
        ],
        ["id"]);

    private const string Header = "id,nu_cpf,no_cidadao,dt_nascimento,nu_telefone_celular,ds_observacao\n";

    private const string Source =
        Header
        + "1,12345678909,Maria da Conceição,1987-06-15,81987654321,\"linha 1\nlinha 2, com \"\"aspas\"\"\"\n"
        + "2,,,,,\n" // every value NULL
        + "3,\"\",\"\",,\"\",\"\"\n" // empty strings (and a NULL date)
        + "4,\"987.654.321-00\",\"José\nSegunda Linha\",2000-02-29,\"(81) 9,8765\n-4321\",sem aspas\n";

    private static string Masked(string csv, ListMasks? masks, int chunk = int.MaxValue, bool crlf = false)
    {
        using var destination = new MemoryStream();
        var output = SpoolCsvWriter.Open(destination, CompressionLevel.Fastest, masks);
        var text = crlf ? csv.Replace("\n", "\r\n", StringComparison.Ordinal) : csv;
        for (var at = 0; at < text.Length; at += chunk)
        {
            output.Writer.Write(text.AsSpan(at, Math.Min(chunk, text.Length - at)));
        }

        output.CompleteAsync().GetAwaiter().GetResult();
        return CsvRecords.Gunzip(destination.ToArray());
    }

    [Fact]
    public void Each_masked_column_is_masked_from_its_parsed_value_and_the_others_pass_through_as_they_came()
    {
        using var masks = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;

        var output = Masked(Source, masks);

        var source = CsvRecords.Parse(Source);
        var masked = CsvRecords.Parse(output);
        Assert.Equal(source.Count, masked.Count);
        Assert.Equal(source[0], masked[0]); // the header
        Assert.StartsWith(Header, output, StringComparison.Ordinal);
        for (var row = 1; row < source.Count; row++)
        {
            Assert.Equal(source[row][0], masked[row][0]);
            Assert.Equal(masks.ByColumn["nu_cpf"].Mask(source[row][1]), masked[row][1]);
            Assert.Null(masked[row][2]);
            Assert.Equal(masks.ByColumn["dt_nascimento"].Mask(source[row][3]), masked[row][3]);
            Assert.Equal(masks.ByColumn["nu_telefone_celular"].Mask(source[row][4]), masked[row][4]);
            Assert.Equal(source[row][5], masked[row][5]);
        }

        // The multi-line unmasked field is the same bytes; nothing clear of the masked ones is left.
        Assert.Contains("\"linha 1\nlinha 2, com \"\"aspas\"\"\"", output, StringComparison.Ordinal);
        foreach (var clear in new[] { "12345678909", "987.654.321-00", "Maria", "Conceição", "José", "Segunda", "1987-06-15", "2000-02-29", "81987654321", "9,8765" })
        {
            Assert.DoesNotContain(clear, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Null_stays_null_under_every_mask_and_an_empty_string_stays_an_empty_string_except_under_redact()
    {
        using var masks = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;

        var masked = CsvRecords.Parse(Masked(Source, masks));

        Assert.Equal<IEnumerable<string?>>(["2", null, null, null, null, null], masked[2]);
        Assert.Equal<IEnumerable<string?>>(["3", string.Empty, null, null, string.Empty, string.Empty], masked[3]);
        Assert.Contains("\n3,\"\",,,\"\",\"\"\n", Masked(Source, masks), StringComparison.Ordinal);
    }

    [Fact]
    public void A_masked_value_holding_a_comma_a_quote_or_a_line_break_is_quoted_again()
    {
        using var masks = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;

        var output = Masked(Source, masks);

        // last-digits 4 of "(81) 9,8765\n-4321" keeps "4321" and stars the rest, line break included: no quoting needed.
        Assert.Contains(",*************4321,", output, StringComparison.Ordinal);
        var quoted = Pessoas with { Columns = [new ListColumnDto("a", "text", Mask: new ColumnMaskDto(MaskKinds.LastDigits, Digits: 3))] };
        using var keepTail = ListMasks.For(quoted, key: null)!;
        Assert.Equal("a\n\"**,\"\"\n\"\n", Masked("a\n\"xy,\"\"\n\"\n", keepTail));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    public void The_output_is_the_same_whatever_the_size_of_the_buffers_the_source_writes(int chunk)
    {
        using var masks = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;

        Assert.Equal(Masked(Source, masks), Masked(Source, masks, chunk));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public void Crlf_line_endings_are_kept_and_the_values_masked_the_same(int chunk)
    {
        using var masks = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;

        var output = Masked(Source, masks, chunk, crlf: true);

        Assert.Equal(CsvRecords.Parse(Masked(Source, masks)), CsvRecords.Parse(output.Replace("\r\n", "\n", StringComparison.Ordinal)));
        Assert.StartsWith(Header.Replace("\n", "\r\n", StringComparison.Ordinal), output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_last_record_without_a_line_break_is_masked_too()
    {
        using var masks = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;

        var output = Masked(Header + "5,12345678909,Ana,1990-01-31,81911112222,fim", masks);

        Assert.Equal<IEnumerable<string?>>(["5", masks.ByColumn["nu_cpf"].Mask("12345678909"), null, "1990-01-01", "*******2222", "fim"], CsvRecords.Parse(output)[1]);
    }

    [Fact]
    public void A_masked_column_the_source_does_not_return_fails_the_extraction_naming_it()
    {
        using var masks = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;

        var failure = Assert.Throws<MaskingException>(() => Masked("id,nu_cpf\n1,12345678909\n", masks));

        Assert.Equal(MaskFailure.ColumnMissing, failure.Failure);
        Assert.Equal("no_cidadao", failure.Column);
    }

    [Fact]
    public void A_list_without_masks_writes_straight_into_the_gzip_text_writer_and_its_bytes_are_unchanged()
    {
        using var destination = new MemoryStream();
        var output = SpoolCsvWriter.Open(destination, CompressionLevel.Fastest);

        Assert.IsType<StreamWriter>(output.Writer);
        Assert.Equal(Source, Masked(Source, masks: null));
    }

    [Fact]
    public void Two_runs_with_the_same_key_write_the_same_masked_bytes_and_another_key_other_hashes()
    {
        using var first = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;
        using var second = ListMasks.For(Pessoas, ColumnMaskTests.Key())!;
        using var other = ListMasks.For(Pessoas, new MaskingKey("k1", [.. Enumerable.Repeat((byte)7, 32)]))!;

        Assert.Equal(Masked(Source, first), Masked(Source, second));
        Assert.NotEqual(CsvRecords.Parse(Masked(Source, first))[1][1], CsvRecords.Parse(Masked(Source, other))[1][1]);
    }
}
