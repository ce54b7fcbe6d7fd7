using PecLists.Functions.Snapshots;

namespace PecLists.Functions.Tests.Snapshots;

/// <summary>An X-Cursor is a value of the cursor column's type, ordered as PostgreSQL orders that type.</summary>
public sealed class CursorValuesTests
{
    [Theory]
    [InlineData("timestamptz", "2026-11-23T03:00:00Z")]
    [InlineData("timestamptz", "2026-11-23 03:00:00+00")]
    [InlineData("timestamptz", "2026-11-23 03:00:00.123456-03")]
    [InlineData("timestamptz", "2026-11-23T03:00:00.1234567+05:30")]
    [InlineData("timestamptz", "2026-11-23T03:00:00-0300")]
    [InlineData("timestamp", "2026-11-23 03:00:00.5")]
    [InlineData("timestamp", "2026-11-23T03:00:00")]
    [InlineData("date", "2026-11-23")]
    [InlineData("smallint", "-32768")]
    [InlineData("integer", "2147483647")]
    [InlineData("bigint", "9223372036854775807")]
    [InlineData("numeric", "-12.5")]
    [InlineData("numeric(10,2)", "12345678.90")]
    [InlineData("double precision", "3")]
    [InlineData("text", "01HF8ZQ3 ~!")]
    [InlineData("varchar(20)", "v-0001")]
    public void A_value_of_the_cursor_columns_type_is_a_cursor(string type, string text) => Assert.NotNull(CursorValues.Parse(type, text));

    [Theory]
    [InlineData("timestamptz", "2026-11-23T03:00:00")] // no offset: which instant?
    [InlineData("timestamptz", "2026-11-23")]
    [InlineData("timestamptz", "2026-02-30T03:00:00Z")]
    [InlineData("timestamptz", "infinity")]
    [InlineData("timestamptz", "yesterday")]
    [InlineData("timestamp", "2026-11-23T03:00:00Z")] // an offset on a column that has none
    [InlineData("date", "23/11/2026")]
    [InlineData("smallint", "32768")]
    [InlineData("integer", "1.5")]
    [InlineData("bigint", "1e3")]
    [InlineData("numeric", "NaN")]
    [InlineData("boolean", "true")]
    [InlineData("text", "")]
    [InlineData("text", "tab\there")]
    [InlineData("text", "São Paulo")] // not ASCII: a header and blob metadata carry ASCII only
    [InlineData(null, "2026-11-23T03:00:00Z")] // no cursor column
    public void Anything_else_is_not(string? type, string text) => Assert.Null(CursorValues.Parse(type, text));

    [Fact]
    public void Longer_than_the_limit_is_not_a_cursor() => Assert.Null(CursorValues.Parse("text", new string('a', CursorValues.MaxLength + 1)));

    [Theory]
    [InlineData("timestamptz", "2026-11-23T03:00:00Z", "2026-11-23 00:00:00-03", true)] // the same instant
    [InlineData("timestamptz", "2026-11-23T03:00:00.000001Z", "2026-11-23 03:00:00+00", true)]
    [InlineData("timestamptz", "2026-11-23T02:59:59Z", "2026-11-23 00:00:00-03", false)]
    [InlineData("bigint", "10", "9", true)] // as numbers, not as text
    [InlineData("bigint", "9", "10", false)]
    [InlineData("numeric", "2.50", "2.5", true)]
    [InlineData("date", "2026-11-22", "2026-11-23", false)]
    [InlineData("text", "b", "a", true)]
    [InlineData("text", "B", "a", false)] // byte order, as the "C" collation: 'B' < 'a'
    public void A_cursor_may_replace_the_acknowledged_one_only_when_it_is_not_lower(string type, string candidate, string current, bool replaces) =>
        Assert.Equal(replaces, CursorValues.MayReplace(type, candidate, current));

    [Fact]
    public void The_first_cursor_and_one_after_an_unreadable_acknowledged_one_are_taken()
    {
        Assert.True(CursorValues.MayReplace("timestamptz", "2026-11-23T03:00:00Z", null));
        Assert.True(CursorValues.MayReplace("timestamptz", "2026-11-23T03:00:00Z", "42")); // the cursor column's type changed
        Assert.False(CursorValues.MayReplace("timestamptz", "not a time", null));
    }
}
