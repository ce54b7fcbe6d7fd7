using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>
/// One list the site must extract (GET /api/v1/lists). An empty <c>Key</c> is a keyless list: the site's rows
/// are kept as a multiset of whole rows. <c>Signature</c> is the operator's signature of the first five fields
/// (<see cref="ListDefinitionSignature"/>, format v1, what uploaders before 0.2 verify); <c>SignatureV2</c> signs them
/// and <c>SignedAt</c> too (format v2), so an uploader can refuse a definition signed too long ago. The uploader runs no
/// definition whose signature does not verify (docs/adr/0010-signed-list-definitions.md, ADR 0019).
/// <para>
/// Since 0.3 a definition may also read an HTTP API (<c>Source</c>), load by another mode than snapshot (<c>Mode</c>,
/// <see cref="LoadModes"/>; <c>Incremental</c> for its cursor), run every few minutes (<c>Schedule</c>), mask columns
/// and carry central views (<c>Views</c>). <c>SignatureV3</c> covers every field and <c>SignedAt</c>; a definition that
/// uses any of these is signed v3 only (<see cref="ListDefinitionSignature.IsBeyondV2"/>), so an uploader that would
/// ignore a mask or a cursor finds no signature it can verify and runs nothing (ADR 0022).
/// </para>
/// </summary>
public sealed record ListDefinitionDto(
    string Name,
    int Version,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key,
    string? Signature = null,
    DateTimeOffset? SignedAt = null,
    string? SignatureV2 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Mode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ListSourceDto? Source = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IncrementalDto? Incremental = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ScheduleDto? Schedule = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DerivedViewDto>? Views = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SignatureV3 = null);
