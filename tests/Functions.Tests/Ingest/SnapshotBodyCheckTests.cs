using System.Text;
using PecLists.Functions.Ingest;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Ingest;

public sealed class SnapshotBodyCheckTests
{
    private static Task<BodyCheckResult> Check(byte[] gzip, long max = 1_000_000) =>
        SnapshotBodyCheck.CheckAsync(new MemoryStream(gzip), Csv.TestHeader, max, CancellationToken.None);

    [Fact]
    public async Task Accepts_a_csv_whose_header_matches_the_list()
    {
        var result = await Check(Csv.Gzip(Csv.Rows("1,João,2001-02-03,t,70.5")));

        Assert.Equal(BodyVerdict.Ok, result.Verdict);
        Assert.Equal(Encoding.UTF8.GetByteCount(Csv.Rows("1,João,2001-02-03,t,70.5")), result.DecompressedBytes);
    }

    [Fact]
    public async Task Accepts_crlf_line_endings_in_the_header()
    {
        var result = await Check(Csv.Gzip(Csv.TestHeader + "\r\n1,a,2001-02-03,t,1\r\n"));

        Assert.Equal(BodyVerdict.Ok, result.Verdict);
    }

    [Theory]
    [InlineData("id,nome,nascimento,ativo", "column 5 is '(none)', expected 'peso'")]
    [InlineData("id,nome,nascimento,ativo,peso,extra", "column 6 is 'extra', expected '(none)'")]
    [InlineData("id,name,nascimento,ativo,peso", "column 2 is 'name', expected 'nome'")]
    public async Task Names_the_first_column_that_differs(string header, string expected)
    {
        var result = await Check(Csv.Gzip(header + "\n1,a,2001-02-03,t,1\n"));

        Assert.Equal(BodyVerdict.BadHeader, result.Verdict);
        Assert.Contains(expected, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_a_decompression_bomb_at_the_cap()
    {
        var bomb = Csv.Gzip([.. Encoding.UTF8.GetBytes(Csv.TestHeader + "\n"), .. new byte[50_000_000]], System.IO.Compression.CompressionLevel.SmallestSize);
        Assert.True(bomb.Length < 100_000);

        var result = await Check(bomb, max: 1_000_000);

        Assert.Equal(BodyVerdict.TooLarge, result.Verdict);
        Assert.InRange(result.DecompressedBytes, 1_000_001, 1_000_000 + 81920);
    }

    private static readonly string[] FirstNames = ["João", "Maria", "José", "Lúcia", "Inês", "Ângela", "Conceição", "Antônio", "Sebastião", "Zé"];
    private static readonly string[] LastNames = ["Conceição", "Araújo", "Simões", "Gonçalves", "Brandão", "Magalhães", "Guimarães", "Falcão", "Patrício", "Estêvão"];

    private static byte[] AccentedCsv(int rows)
    {
        var random = new Random(5);
        return Encoding.UTF8.GetBytes(Csv.Rows(Enumerable.Range(0, rows)
            .Select(i => $"{i},{FirstNames[random.Next(10)]} {LastNames[random.Next(10)]} {LastNames[random.Next(10)]},1950-01-02,t,70.5").ToArray()));
    }

    [Fact]
    public async Task Accepts_a_multi_megabyte_list_of_accented_names()
    {
        // Regression: a character straddling two reads was refused as bad-encoding (this body, gzipped at SmallestSize,
        // splits 'ã' between two 80 KB reads); through random chunks the split points move everywhere.
        var text = AccentedCsv(150_000);
        Assert.True(text.Length > 7_000_000);
        var gzip = Csv.Gzip(text, System.IO.Compression.CompressionLevel.SmallestSize);

        var whole = await Check(gzip, max: 50_000_000);
        var chunked = await SnapshotBodyCheck.CheckAsync(new ChunkyStream(gzip, new Random(3), 8192), Csv.TestHeader, 50_000_000, CancellationToken.None);

        Assert.Equal(BodyVerdict.Ok, whole.Verdict);
        Assert.Equal(text.Length, whole.DecompressedBytes);
        Assert.Equal(BodyVerdict.Ok, chunked.Verdict);
    }

    [Fact]
    public async Task Stops_a_bomb_of_valid_accented_rows_as_too_large()
    {
        var bomb = Csv.Gzip(AccentedCsv(300_000), System.IO.Compression.CompressionLevel.SmallestSize);

        var whole = await Check(bomb, max: 10_000_000);
        var chunked = await SnapshotBodyCheck.CheckAsync(new ChunkyStream(bomb, new Random(4), 8192), Csv.TestHeader, 10_000_000, CancellationToken.None);

        Assert.Equal(BodyVerdict.TooLarge, whole.Verdict);
        Assert.Equal(BodyVerdict.TooLarge, chunked.Verdict);
    }

    [Fact]
    public async Task Rejects_what_is_not_gzip()
    {
        var result = await Check(Encoding.UTF8.GetBytes(Csv.Rows("1,a,2001-02-03,t,1")));

        Assert.Equal(BodyVerdict.BadGzip, result.Verdict);
    }

    [Fact]
    public async Task Rejects_a_truncated_gzip()
    {
        var body = Csv.Gzip(Csv.Rows(Enumerable.Range(0, 2000).Select(i => $"{i},nome {i},2001-02-03,t,{i}").ToArray()));

        var result = await Check(body[..(body.Length / 2)]);

        Assert.Equal(BodyVerdict.BadGzip, result.Verdict);
    }

    [Fact]
    public async Task Rejects_a_gzip_cut_just_before_its_trailer()
    {
        var body = Csv.Gzip(Csv.Rows("1,a,2001-02-03,t,1"));

        var result = await Check(body[..^8]);

        Assert.Equal(BodyVerdict.BadGzip, result.Verdict);
    }

    [Fact]
    public async Task Rejects_invalid_utf8()
    {
        var bytes = Encoding.UTF8.GetBytes(Csv.Rows("1,Jo?o,2001-02-03,t,1"));
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xE3; // Latin-1 'ã' is not UTF-8

        var result = await Check(Csv.Gzip(bytes));

        Assert.Equal(BodyVerdict.BadEncoding, result.Verdict);
    }

    [Fact]
    public async Task Rejects_an_empty_body()
    {
        var result = await Check(Csv.Gzip(string.Empty));

        Assert.Equal(BodyVerdict.Empty, result.Verdict);
    }

    [Fact]
    public async Task Rejects_a_header_row_that_never_ends()
    {
        var result = await Check(Csv.Gzip(new string('a', 200_000)));

        Assert.Equal(BodyVerdict.BadHeader, result.Verdict);
    }
}
