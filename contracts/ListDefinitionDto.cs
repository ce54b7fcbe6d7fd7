namespace PecLists.Contracts;

/// <summary>One nominal list the site must extract (GET /api/v1/lists).</summary>
public sealed record ListDefinitionDto(
    string Name,
    int Version,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key);
