using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Tests;

/// <summary>
/// Masks over real PostgreSQL COPY output: the masked extraction is the unmasked one with each masked column's values
/// put through its mask (NULL, empty strings, accents, multi-line quoted values, timestamps with offsets), and masking
/// allocates nothing per row, so memory stays flat with masks too.
/// </summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class MaskedExtractionTests(PecDatabaseFixture db)
{
    private const string Sql =
        """
        SELECT * FROM (VALUES
          (1, '123.456.789-09', 'José da Conceição', DATE '1987-06-15', TIMESTAMPTZ '2026-12-07 14:33:10.5+00', '81987654321', 'obs'),
          (2, NULL, NULL, NULL, NULL, NULL, NULL),
          (3, '', '', NULL, NULL, '', ''),
          (4, E'linha 1\nlinha 2, "aspas"', E'Ana\r\nMaria', DATE '2000-02-29', TIMESTAMPTZ '1999-12-31 23:59:59+00', E'(81)\n9876-5432', E'x\ny')
        ) v(id, nu_cpf, no_cidadao, dt_nascimento, dt_atendimento, nu_telefone_celular, ds_obs)
        """;

    private static readonly ListDefinitionDto List = new(
        "pessoas", 1, Sql,
        [
            new ListColumnDto("id", "integer"),
            new ListColumnDto("nu_cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
            new ListColumnDto("no_cidadao", "text", Mask: new ColumnMaskDto(MaskKinds.Redact)),
            new ListColumnDto("dt_nascimento", "date", Mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "month")),
            new ListColumnDto("dt_atendimento", "timestamptz", Mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "hour")),
            new ListColumnDto("nu_telefone_celular", "text", Mask: new ColumnMaskDto(MaskKinds.LastDigits, Digits: 4)),
            new ListColumnDto("ds_obs", "text"),
        ],
        ["id"]);

    private async Task<string> ExtractAsync(string sql, ListMasks? masks)
    {
        using var destination = new MemoryStream();
        await using var output = SpoolCsvWriter.Open(destination, CompressionLevel.Fastest, masks);
        await new ListExtractor(db.ReadOnlyConnectionString, 60).ExtractAsync(sql, output, null, CancellationToken.None);
        return CsvRecords.Gunzip(destination.ToArray());
    }

    [Fact]
    public async Task The_masked_extraction_is_the_clear_one_with_each_masked_column_put_through_its_mask()
    {
        using var masks = ListMasks.For(List, PecLists.Uploader.Tests.Extraction.ColumnMaskTests.Key())!;

        var clear = CsvRecords.Parse(await ExtractAsync(Sql, masks: null));
        var maskedText = await ExtractAsync(Sql, masks);
        var masked = CsvRecords.Parse(maskedText);

        Assert.Equal(5, clear.Count);
        Assert.Equal(clear[0], masked[0]);
        var header = clear[0];
        for (var row = 1; row < clear.Count; row++)
        {
            var expected = clear[row].Select((value, i) => masks.ByColumn.TryGetValue(header[i]!, out var mask) ? mask.Mask(value) : value).ToArray();
            Assert.Equal(expected, masked[row]);
        }

        Assert.Equal<IEnumerable<string?>>(["1", masks.ByColumn["nu_cpf"].Mask("123.456.789-09"), null, "1987-06-01", "2026-12-07 14:00:00+00", "*******4321", "obs"], masked[1]);
        Assert.Equal<IEnumerable<string?>>(["3", string.Empty, null, null, null, string.Empty, string.Empty], masked[3]);
        Assert.Equal("x\ny", masked[4][6]);
        foreach (var value in new[] { "123.456.789-09", "Conceição", "Ana", "1987-06-15", "14:33", "81987654321", "9876-5432", "linha" })
        {
            Assert.DoesNotContain(value, maskedText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Copying_a_masked_list_allocates_nothing_per_row_so_memory_does_not_grow_with_the_list()
    {
        // As the unmasked copy loop (ListExtractorTests): an allocation count on the copy thread between its first and
        // last progress report, under a byte a row for 200,000 rows, with every mask kind at work on every row.
        const int rows = 200_000;
        var list = new ListDefinitionDto("n", 1, string.Empty,
        [
            new ListColumnDto("cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
            new ListColumnDto("nome", "text", Mask: new ColumnMaskDto(MaskKinds.Redact)),
            new ListColumnDto("nascimento", "date", Mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "month")),
            new ListColumnDto("fone", "text", Mask: new ColumnMaskDto(MaskKinds.LastDigits, Digits: 4)),
        ], []);
        using var masks = ListMasks.For(list, PecLists.Uploader.Tests.Extraction.ColumnMaskTests.Key())!;
        await using var output = SpoolCsvWriter.Open(Stream.Null, CompressionLevel.Fastest, masks);
        var allocated = new long[100_000];
        var reports = 0;

        var result = await new ListExtractor(db.ReadOnlyConnectionString, 60).ExtractAsync(
            $"SELECT g AS n, lpad(g::text, 11, '0') AS cpf, 'Conceição ' || g || ', \"quoted\"' AS nome, DATE '1950-01-01' + g % 20000 AS nascimento, '8198' || g AS fone FROM generate_series(1, {rows}) g",
            output,
            _ => allocated[reports++] = GC.GetAllocatedBytesForCurrentThread(),
            CancellationToken.None);

        Assert.Equal(rows, result.Rows);
        Assert.True(reports > 50, $"expected a progress report per buffer, got {reports}");
        var perRun = allocated[reports - 1] - allocated[0];
        Assert.True(perRun < rows, $"the masked copy loop allocated {perRun:N0} bytes for {rows:N0} rows");
    }
}
