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
    string? SignatureV2 = null)
{
    public string TableName => $"lists.{Name}";

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    public ListDefinitionDto ToDto() => new(Name, Version, Sql, Columns, Key, Signature, SignedAt, SignatureV2);
}
