using System.Text.Json;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>A column's field path: dotted members, numeric segments into arrays, what is missing and what is NULL.</summary>
public sealed class FieldPathTests
{
    private static readonly JsonElement Row = JsonDocument.Parse("""
        {"codigo":"B1","posicao":{"latitude":-22.9,"ponto":{"nome":"Alvorada"}},"films":["Moana","Coco"],"tvShows":[],"parada":null,"velocidade":null}
        """).RootElement;

    [Theory]
    [InlineData("codigo", "\"B1\"")]
    [InlineData("posicao.latitude", "-22.9")]
    [InlineData("posicao.ponto.nome", "\"Alvorada\"")]
    [InlineData("films.1", "\"Coco\"")]
    [InlineData("velocidade", "null")]
    public void A_path_finds_the_member_or_array_item_it_names(string path, string json)
    {
        var found = FieldPath.Parse(path)!.Find(Row);

        Assert.False(found.IsMissing);
        Assert.Equal(json, found.Value!.Value.GetRawText());
    }

    [Theory]
    [InlineData("tvShows.0")]
    [InlineData("films.2")]
    [InlineData("parada.nome")]
    public void An_index_past_an_arrays_end_or_a_member_of_a_null_parent_is_null_not_missing(string path)
    {
        var found = FieldPath.Parse(path)!.Find(Row);

        Assert.False(found.IsMissing);
        Assert.Null(found.Value);
    }

    [Theory]
    [InlineData("placa", "placa", JsonValueKind.Object)]
    [InlineData("posicao.longitude", "posicao.longitude", JsonValueKind.Object)]
    [InlineData("codigo.x", "codigo.x", JsonValueKind.String)]
    [InlineData("films.first", "films.first", JsonValueKind.Array)]
    public void A_member_the_row_lacks_is_missing_up_to_the_segment_where_it_lacked_it(string path, string missingAt, JsonValueKind inKind)
    {
        var found = FieldPath.Parse(path)!.Find(Row);

        Assert.True(found.IsMissing);
        Assert.Equal((missingAt, inKind), (found.MissingAt, found.MissingIn));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a.")]
    public void A_path_with_an_empty_segment_is_refused(string path) => Assert.Null(FieldPath.Parse(path));
}
