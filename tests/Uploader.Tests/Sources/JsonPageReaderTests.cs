using System.Text;
using System.Text.Json;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>
/// The streaming page reader: rows found at the record selector wherever it is, the next link before or after the rows,
/// everything read through a body that trickles in a few bytes at a time (so every token and row crosses a refill).
/// </summary>
public sealed class JsonPageReaderTests
{
    private const string InfoFirst = """
        {"info":{"count":3,"totalPages":2,"previousPage":null,"nextPage":"http://api/character?page=2"},
         "data":[{"_id":1,"name":"Achilles"},{"_id":2,"name":"Abu","films":["Aladdin"]},{"_id":3,"name":"Ariel"}]}
        """;

    private const string InfoLast = """
        {"data":[{"_id":1,"name":"Achilles"},{"_id":2,"name":"Abu","films":["Aladdin"]},{"_id":3,"name":"Ariel"}],
         "other":[{"_id":99}],"info":{"count":3,"nextPage":"http://api/character?page=2"}}
        """;

    [Theory]
    [InlineData(InfoFirst, 1)]
    [InlineData(InfoLast, 1)]
    [InlineData(InfoFirst, 7)]
    [InlineData(InfoLast, 4096)]
    public async Task Rows_and_the_next_link_are_read_whether_the_link_comes_before_or_after_the_rows(string json, int chunk)
    {
        var (page, rows) = await ReadAsync(json, ["data"], ["info", "nextPage"], chunk);

        Assert.Equal(new JsonPage(3, "http://api/character?page=2", true), page);
        Assert.Equal(["Achilles", "Abu", "Ariel"], rows.Select(r => r.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_document_that_is_the_array_itself_has_an_empty_record_selector()
    {
        var (page, rows) = await ReadAsync("""[{"a":1},{"a":2}]""", [], null, 3);

        Assert.Equal(2, page.Rows);
        Assert.Equal([1, 2], rows.Select(r => r.GetProperty("a").GetInt32()));
    }

    [Fact]
    public async Task A_nested_selector_reads_only_its_array_and_skips_lookalikes_elsewhere()
    {
        const string json = """{"veiculos":[{"x":0}],"resultado":{"veiculos":[{"codigo":"B1"},{"codigo":"B2"}],"total":2}}""";

        var (page, rows) = await ReadAsync(json, ["resultado", "veiculos"], null, 5);

        Assert.Equal(2, page.Rows);
        Assert.Equal(["B1", "B2"], rows.Select(r => r.GetProperty("codigo").GetString()));
    }

    [Theory]
    [InlineData("""{"info":{"nextPage":null},"data":[]}""", null, true)]
    [InlineData("""{"info":{},"data":[]}""", null, false)]
    [InlineData("""{"data":[],"info":{"nextPage":""}}""", "", true)]
    public async Task A_null_or_absent_next_link_is_told_apart(string json, string? next, bool found)
    {
        var (page, _) = await ReadAsync(json, ["data"], ["info", "nextPage"], 2);

        Assert.Equal(new JsonPage(0, next, found), page);
    }

    [Fact]
    public async Task A_row_larger_than_the_first_buffer_is_read_whole()
    {
        var big = new string('x', 300_000);
        var json = $$"""{"data":[{"a":"{{big}}"},{"a":"b"}]}""";

        var (page, rows) = await ReadAsync(json, ["data"], null, 65_536);

        Assert.Equal(2, page.Rows);
        Assert.Equal(big.Length, rows[0].GetProperty("a").GetString()!.Length);
    }

    [Theory]
    [InlineData("""{"data":{"_id":1}}""", JsonPageShape.RowsNotArray, JsonValueKind.Object)]
    [InlineData("""{"data":"none"}""", JsonPageShape.RowsNotArray, JsonValueKind.String)]
    [InlineData("""{"dados":[]}""", JsonPageShape.RowsMissing, JsonValueKind.Undefined)]
    [InlineData("""{"data":[{"_id":1},42]}""", JsonPageShape.RowNotObject, JsonValueKind.Number)]
    [InlineData("""{"info":{"nextPage":{"href":"x"}},"data":[]}""", JsonPageShape.NextLinkNotText, JsonValueKind.Object)]
    public async Task Another_shape_than_the_definition_reads_is_named(string json, JsonPageShape shape, JsonValueKind found)
    {
        var failed = await Assert.ThrowsAsync<JsonPageShapeException>(() => ReadAsync(json, ["data"], ["info", "nextPage"], 3));

        Assert.Equal((shape, found), (failed.Shape, failed.Found));
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html></html>")]
    [InlineData("""{"data":[{"_id":1},""")]
    [InlineData("")]
    public async Task Text_that_is_not_whole_json_fails_as_json(string text) =>
        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(text, ["data"], null, 4));

    private static async Task<(JsonPage Page, List<JsonElement> Rows)> ReadAsync(string json, string[] selector, string[]? nextLink, int chunk)
    {
        var rows = new List<JsonElement>();
        var reader = new JsonPageReader(selector, nextLink);
        var page = await reader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(json), chunk), (row, _) => rows.Add(JsonDocument.Parse(row.ToArray()).RootElement), CancellationToken.None);
        return (page, rows);
    }

    /// <summary>A body that hands out at most <paramref name="chunk"/> bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] content, int chunk) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }
}
