using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// An active nominal list: what sites extract and how its typed central table is shaped. <c>Signature</c> (v1) and
/// <c>SignatureV2</c> (over the same fields and <c>SignedAt</c>) are the operator's signatures of <see cref="ToDto"/>,
/// stored as given at publish; the uploader verifies them (docs/adr/0019-list-definition-replay-and-rotation.md).
/// </summary>
public sealed record ListDefinition(
    string Name,
    int Version,
    string Description,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key,
    string? Signature = null,
    DateTimeOffset? SignedAt = null,
    string? SignatureV2 = null,
    string? Mode = null,
    ListSourceDto? Source = null,
    IncrementalDto? Incremental = null,
    ScheduleDto? Schedule = null,
    IReadOnlyList<DerivedViewDto>? Views = null,
    string? SignatureV3 = null)
{
    public string TableName => $"lists.{Name}";

    /// <summary>The list's unlogged staging table: a load's delivery and its delta, by snapshot id (ADR 0025).</summary>
    public string StagingTableName => $"staging.{Name}";

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    /// <summary>The load mode (<see cref="LoadModes"/>), snapshot when the definition names none.</summary>
    public string LoadMode => Mode ?? LoadModes.Snapshot;

    public ListDefinitionDto ToDto() => new(Name, Version, Sql, Columns, Key, Signature, SignedAt, SignatureV2, Mode, Source, Incremental, Schedule, Views, SignatureV3);
}
