using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// An active nominal list: what sites extract and how its typed central table is shaped. <c>Signature</c> is the
/// operator's signature of <see cref="ToDto"/> (stored as given at publish; the uploader verifies it).
/// </summary>
public sealed record ListDefinition(
    string Name,
    int Version,
    string Description,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key,
    string? Signature = null)
{
    public string TableName => $"lists.{Name}";

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    public ListDefinitionDto ToDto() => new(Name, Version, Sql, Columns, Key, Signature);
}
