using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Tests;

public sealed class CsvRowCounterTests
{
    private const string Sample = "id,name,note\n1,\"Silva, Ana\",\"line one\nline two\"\n2,\"He said \"\"hi\"\"\",\n3,José,\"\"\"\n\"\"\"\n";

    [Fact]
    public void Newlines_inside_quoted_fields_and_escaped_quotes_do_not_count_as_rows()
    {
        var counter = new CsvRowCounter();
        counter.Count(Sample);
        Assert.Equal(3, counter.DataRows);
        Assert.Equal(Csv.Parse(Sample).Count - 1, counter.DataRows);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Any_chunking_gives_the_same_count(int chunkSize)
    {
        var counter = new CsvRowCounter();
        for (var at = 0; at < Sample.Length; at += chunkSize)
        {
            counter.Count(Sample.AsSpan(at, Math.Min(chunkSize, Sample.Length - at)));
        }

        Assert.Equal(3, counter.DataRows);
    }

    [Fact]
    public void A_header_alone_is_zero_rows() => Assert.Equal(0, Counted("id,name\n"));

    private static long Counted(string csv)
    {
        var counter = new CsvRowCounter();
        counter.Count(csv);
        return counter.DataRows;
    }
}
