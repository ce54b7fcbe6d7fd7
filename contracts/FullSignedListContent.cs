using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>
/// What a v3 signature covers: every field of a definition the uploader or the backend acts on, and the time it was
/// signed. Absent parts are left out of the JSON. Serialised only through <see cref="ContractsJsonContext"/>.
/// </summary>
public sealed record FullSignedListContent(
    string Name,
    int Version,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ListSourceDto? Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IncrementalDto? Incremental,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ScheduleDto? Schedule,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DerivedViewDto>? Views,
    DateTimeOffset SignedAt);
