namespace PecLists.Contracts;

/// <summary>
/// What a list definition's signature covers: exactly the fields the uploader receives and acts on, in this order.
/// Serialised only through <see cref="ContractsJsonContext"/> (docs/adr/0010-signed-list-definitions.md).
/// </summary>
public sealed record SignedListContent(
    string Name,
    int Version,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key);
