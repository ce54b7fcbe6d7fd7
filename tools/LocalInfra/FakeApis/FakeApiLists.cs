using PecLists.Contracts;

namespace LocalInfra.FakeApis;

/// <summary>
/// List definitions that read the fake APIs as a real operator would write them (unsigned: the caller signs), shared
/// by the uploader's integration tests, the end-to-end tests and the benchmark.
/// </summary>
public static class FakeApiLists
{
    /// <summary>Rio's BRT positions: one document, <c>dataHora</c> in epoch milliseconds, keyed by vehicle and time.</summary>
    public static ListDefinitionDto Brt(Uri url, IReadOnlyDictionary<string, string>? secretHeaders = null, string name = "brt_posicoes") => new(
        name,
        1,
        string.Empty,
        [
            new ListColumnDto("codigo", "text"),
            new ListColumnDto("placa", "text"),
            new ListColumnDto("linha", "text"),
            new ListColumnDto("latitude", "numeric"),
            new ListColumnDto("longitude", "numeric"),
            new ListColumnDto("data_hora", "timestamptz", Field: "dataHora", Format: FieldFormats.EpochMilliseconds),
            new ListColumnDto("velocidade", "integer"),
            new ListColumnDto("sentido", "text"),
            new ListColumnDto("trajeto", "text"),
        ],
        ["codigo", "data_hora"],
        Source: new ListSourceDto(SourceKinds.Http, Url: url.ToString(), SecretHeaders: secretHeaders, RecordSelector: ["veiculos"], TimeoutSeconds: 10));

    /// <summary>Disney's characters, paged by the <c>info.nextPage</c> link; the first and second films by index.</summary>
    public static ListDefinitionDto DisneyNextLink(Uri url, int timeoutSeconds = 10, int? maxPages = null, string name = "personagens") => new(
        name,
        1,
        string.Empty,
        DisneyColumns,
        ["id"],
        Source: new ListSourceDto(
            SourceKinds.Http,
            Url: url.ToString(),
            Headers: new Dictionary<string, string> { ["Accept-Language"] = "pt-BR" },
            RecordSelector: ["data"],
            Paginator: new PaginatorDto(PaginatorTypes.NextLink, NextLinkPath: ["info", "nextPage"], MaxPages: maxPages),
            TimeoutSeconds: timeoutSeconds));

    /// <summary>The same characters paged by number (<c>?page=1&amp;pageSize=…</c>) until a page holds no rows.</summary>
    public static ListDefinitionDto DisneyPageNumber(Uri url, int pageSize, string name = "personagens") => new(
        name,
        1,
        string.Empty,
        DisneyColumns,
        ["id"],
        Source: new ListSourceDto(
            SourceKinds.Http,
            Url: url.ToString(),
            RecordSelector: ["data"],
            Paginator: new PaginatorDto(PaginatorTypes.PageNumber, PageParameter: "page", StartPage: 1, PageSizeParameter: "pageSize", PageSize: pageSize)));

    private static IReadOnlyList<ListColumnDto> DisneyColumns { get; } =
    [
        new ListColumnDto("id", "bigint", Field: "_id"),
        new ListColumnDto("nome", "text", Field: "name"),
        new ListColumnDto("primeiro_filme", "text", Field: "films.0"),
        new ListColumnDto("segundo_filme", "text", Field: "films.1"),
        new ListColumnDto("imagem", "text", Field: "imageUrl"),
    ];
}
