using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>
/// Where an HTTP list reads its rows (Airbyte's declarative-source words). <c>Url</c> may hold <c>{ibge}</c>, replaced by
/// the site's code. <c>Headers</c> are sent as given; <c>SecretHeaders</c> name, per header, a secret of the site's
/// uploader config (<c>secrets</c>): an API key never travels in the signed definition. <c>RecordSelector</c> is the
/// path of the rows array in the JSON document (empty: the document is the array). A column's <c>field</c> says which
/// member of a row it reads (<see cref="ListColumnDto"/>).
/// </summary>
public sealed record ListSourceDto(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Headers = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? SecretHeaders = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? RecordSelector = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PaginatorDto? Paginator = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TimeoutSeconds = null);
