using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>An active nominal list: what sites extract and how its typed central table is shaped.</summary>
public sealed record ListDefinition(
    string Name,
    int Version,
    string Description,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key)
{
    public string TableName => $"lists.{Name}";

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    public ListDefinitionDto ToDto() => new(Name, Version, Sql, Columns, Key);
}
