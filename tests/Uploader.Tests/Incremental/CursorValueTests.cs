using PecLists.Uploader.Incremental;

namespace PecLists.Uploader.Tests.Incremental;

public sealed class CursorValueTests
{
    [Theory]
    [InlineData("2026-12-07 09:50:03.123456-03", "2026-12-07T12:50:03.123456Z")]
    [InlineData("2026-12-07 09:50:03+00", "2026-12-07T09:50:03.000000Z")]
    [InlineData("2026-12-07 09:50:03.5+05:30", "2026-12-07T04:20:03.500000Z")]
    [InlineData("1900-01-01 00:00:00-03:06:28", "1900-01-01T03:06:28.000000Z")]
    [InlineData("2026-12-07T12:50:03.123456Z", "2026-12-07T12:50:03.123456Z")]
    [InlineData("2026-12-07 09:50:03.123456", "2026-12-07T09:50:03.123456")]
    [InlineData("2026-12-07", "2026-12-07T00:00:00.000000")]
    public void What_postgres_prints_and_what_the_backend_serves_read_as_the_same_value(string text, string expected)
    {
        var value = CursorValue.TryParse(text);

        Assert.Equal(expected, value?.ToString());
        Assert.Equal(value, CursorValue.TryParse(value!.Value.ToString()));
    }

    [Theory]
    [InlineData("2026-01-01'; DROP TABLE tb_cidadao; --")]
    [InlineData("2026-01-01 00:00:00' OR '1'='1")]
    [InlineData("2026-01-01 00:00:00)::timestamptz; COMMIT; DELETE FROM x; --")]
    [InlineData("infinity")]
    [InlineData("-infinity")]
    [InlineData("0044-03-15 12:00:00 BC")]
    [InlineData("2026-02-30 00:00:00")]
    [InlineData("2026-12-07 25:00:00")]
    [InlineData("2026-12-07 09:50:03\n")]
    [InlineData("٢٠٢٦-١٢-٠٧")]
    [InlineData("")]
    [InlineData("now")]
    public void Text_that_is_not_a_timestamp_is_refused(string hostile)
    {
        Assert.Null(CursorValue.TryParse(hostile));
    }

    [Fact]
    public void An_instant_and_a_local_timestamp_keep_their_kind_through_the_spool_file_name()
    {
        var instant = CursorValue.TryParse("2026-12-07 09:50:03.123456-03")!.Value;
        var local = CursorValue.TryParse("2026-12-07 09:50:03.000001")!.Value;

        Assert.Equal("20261207T125003123456Z", instant.ToToken());
        Assert.Equal(instant, CursorValue.FromToken(instant.ToToken()));
        Assert.Equal(local, CursorValue.FromToken(local.ToToken()));
        Assert.DoesNotContain(':', instant.ToToken());
        Assert.DoesNotContain('.', instant.ToToken());
    }

    [Fact]
    public void The_lookback_moves_the_value_back_by_its_window()
    {
        var cursor = CursorValue.TryParse("2026-12-07T12:00:00Z")!.Value;

        Assert.Equal("2026-12-07T11:55:00.000000Z", cursor.Minus(TimeSpan.FromSeconds(300)).ToString());
    }
}
