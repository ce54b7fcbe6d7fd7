using System.Globalization;
using System.Net;
using System.Text.Json;

namespace LocalInfra.FakeApis;

/// <summary>
/// Shaped like the Disney characters API (api.disneyapi.dev/character): pages of
/// <c>{"info":{"count","totalPages","previousPage","nextPage"},"data":[{"_id","name","films","tvShows","imageUrl","url",…}]}</c>,
/// <c>nextPage</c> an absolute URL and null on the last page. The rows are generated (row <c>_id</c> n of page p is
/// (p-1)×PageSize+n+1), streamed, so a page may be as large as a benchmark needs. Options put <c>info</c> after
/// <c>data</c> or make the links relative; <see cref="Quirks"/> give pages the failures real APIs show.
/// </summary>
public sealed class DisneyCharactersApi
{
    public const string Path = "/character";

    public int Pages { get; init; } = 3;

    public int PageSize { get; init; } = 50;

    /// <summary><c>info</c> (and its <c>nextPage</c>) after <c>data</c>, as other APIs order it.</summary>
    public bool InfoAfterData { get; init; }

    /// <summary><c>nextPage</c> as "/character?page=2" instead of an absolute address.</summary>
    public bool RelativeLinks { get; init; }

    /// <summary>Quirks by page number (from 1).</summary>
    public IReadOnlyDictionary<int, PageQuirk> Quirks { get; init; } = new Dictionary<int, PageQuirk>();

    public int Count => Pages * PageSize;

    public static int IdOf(int page, int row, int pageSize) => ((page - 1) * pageSize) + row + 1;

    /// <summary>The films of character <paramref name="id"/>: none for every third (real characters often have none).</summary>
    public static IReadOnlyList<string> FilmsOf(int id) => id % 3 == 0 ? [] : [$"Film {id}", $"Film {id + 1}"];

    public static string NameOf(int id) => $"Character {id}, \"the {id}th\"";

    public FakeJsonApi MapOn(FakeJsonApi api) => api.Map(Path, (request, response) => AnswerAsync(api, request, response));

    private async Task AnswerAsync(FakeJsonApi api, FakeApiRequest request, HttpListenerResponse response)
    {
        var page = int.TryParse(request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 1;
        var quirk = Quirks.GetValueOrDefault(page);
        if (await FakePages.FailAsync(quirk, request, response))
        {
            return;
        }

        await using var json = FakePages.JsonOnto(response);
        json.WriteStartObject();
        if (!InfoAfterData)
        {
            WriteInfo(json, api, page, quirk);
        }

        json.WriteStartArray("data");
        var rows = page >= 1 && page <= Pages ? PageSize : 0;
        for (var row = 0; row < rows; row++)
        {
            if (quirk?.Kind == PageQuirkKind.StallsOnce && request.Attempt == 1 && row == rows / 2)
            {
                await FakePages.StallAsync(json, response, api.Stopping);
            }

            WriteCharacter(json, api, IdOf(page, row, PageSize), quirk is { Kind: PageQuirkKind.FieldMissing } missing && row >= missing.FromRow ? missing.Field : null);
            if (json.BytesPending > 32 * 1024)
            {
                await json.FlushAsync();
            }
        }

        json.WriteEndArray();
        if (InfoAfterData)
        {
            WriteInfo(json, api, page, quirk);
        }

        json.WriteEndObject();
    }

    private void WriteInfo(Utf8JsonWriter json, FakeJsonApi api, int page, PageQuirk? quirk)
    {
        json.WriteStartObject("info");
        json.WriteNumber("count", Count);
        json.WriteNumber("totalPages", Pages);
        WriteLink(json, api, "previousPage", page > 1 ? page - 1 : null);
        WriteLink(json, api, "nextPage", quirk?.Kind == PageQuirkKind.LinksBackTo ? quirk.Page : page < Pages ? page + 1 : null);
        json.WriteEndObject();
    }

    private void WriteLink(Utf8JsonWriter json, FakeJsonApi api, string name, int? page)
    {
        if (page is not { } number)
        {
            json.WriteNull(name);
            return;
        }

        var relative = $"{Path}?page={number}";
        json.WriteString(name, RelativeLinks ? relative : api.Url(relative).ToString());
    }

    private static void WriteCharacter(Utf8JsonWriter json, FakeJsonApi api, int id, string? without)
    {
        json.WriteStartObject();
        if (without != "_id")
        {
            json.WriteNumber("_id", id);
        }

        json.WriteStartArray("films");
        foreach (var film in FilmsOf(id))
        {
            json.WriteStringValue(film);
        }

        json.WriteEndArray();
        json.WriteStartArray("shortFilms");
        json.WriteEndArray();
        json.WriteStartArray("tvShows");
        json.WriteEndArray();
        json.WriteString("sourceUrl", $"https://disney.fandom.com/wiki/Character_{id}");
        if (without != "name")
        {
            json.WriteString("name", NameOf(id));
        }

        if (without != "imageUrl")
        {
            json.WriteString("imageUrl", $"https://static.wikia.nocookie.net/disney/images/{id}.png");
        }

        json.WriteString("createdAt", "2021-04-12T01:31:30.547Z");
        json.WriteNumber("__v", 0);
        json.WriteString("url", api.Url($"{Path}/{id}").ToString());
        json.WriteEndObject();
    }
}
