using PecLists.Uploader.Incremental;

namespace PecLists.Uploader.Tests.Incremental;

public sealed class CursorScanTests
{
    private const string Csv =
        "id,nome,updated_at\n" +
        "1,\"Silva, Ana\",2026-12-07 09:00:00.5-03\n" +
        "2,\"two\nlines, \"\"quoted\"\"\",2026-12-07 13:30:00+00\n" +
        "3,,2026-12-07 10:00:00-03\n";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void The_highest_cursor_is_found_across_quoted_fields_and_any_chunking(int chunk)
    {
        var scan = Scan("updated_at", Csv, chunk);

        Assert.Equal("2026-12-07T13:30:00.000000Z", scan.Highest.ToString());
        Assert.Equal((3L, 0L), (scan.Rows, scan.Nulls));
    }

    [Fact]
    public void Null_cursors_are_counted_and_an_empty_quoted_text_is_not_a_null()
    {
        var scan = Scan("updated_at", "id,updated_at\n1,\n2,2026-12-07 10:00:00+00\n3,\n", 1000);
        Assert.Equal(2, scan.Nulls);
        Assert.Equal("2026-12-07T10:00:00.000000Z", scan.Highest.ToString());

        var empty = Assert.Throws<CursorColumnException>(() => Scan("updated_at", "id,updated_at\n1,\"\"\n", 1000));
        Assert.Equal(CursorColumnProblem.NotATimestamp, empty.Problem);
    }

    [Fact]
    public void A_value_that_is_not_a_timestamp_is_refused_without_quoting_it()
    {
        var refused = Assert.Throws<CursorColumnException>(() => Scan("nascimento", "id,nascimento\n1,123.456.789-00\n", 1000));

        Assert.Equal(CursorColumnProblem.NotATimestamp, refused.Problem);
        Assert.DoesNotContain("123.456.789-00", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cursor_column_the_rows_do_not_have_is_named()
    {
        var refused = Assert.Throws<CursorColumnException>(() => Scan("alterado_em", Csv, 1000));

        Assert.Equal((CursorColumnProblem.Missing, "alterado_em"), (refused.Problem, refused.Column));
    }

    [Fact]
    public void No_rows_means_no_cursor()
    {
        var scan = Scan("updated_at", "id,updated_at\n", 1000);

        Assert.Equal((null, 0L), (scan.Highest, scan.Rows));
    }

    private static CursorScan Scan(string column, string csv, int chunk)
    {
        var scan = new CursorScan(column);
        for (var at = 0; at < csv.Length; at += chunk)
        {
            scan.Read(csv.AsSpan(at, Math.Min(chunk, csv.Length - at)));
        }

        scan.End();
        return scan;
    }
}
