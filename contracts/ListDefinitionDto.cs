namespace PecLists.Contracts;

/// <summary>
/// One nominal list the site must extract (GET /api/v1/lists). An empty <c>Key</c> is a keyless list: the site's rows
/// are kept as a multiset of whole rows. <c>Signature</c> is the operator's signature of the other five fields
/// (<see cref="ListDefinitionSignature"/>); the uploader runs no definition whose signature does not verify.
/// </summary>
public sealed record ListDefinitionDto(
    string Name,
    int Version,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key,
    string? Signature = null);
