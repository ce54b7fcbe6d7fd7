namespace PecLists.Contracts;

/// <summary>
/// One nominal list the site must extract (GET /api/v1/lists). An empty <c>Key</c> is a keyless list: the site's rows
/// are kept as a multiset of whole rows. <c>Signature</c> is the operator's signature of the other five fields
/// (<see cref="ListDefinitionSignature"/>, format v1, what uploaders before 0.2 verify); <c>SignatureV2</c> signs them
/// and <c>SignedAt</c> too (format v2), so an uploader can refuse a definition signed too long ago. The uploader runs no
/// definition whose signature does not verify (docs/adr/0010-signed-list-definitions.md, ADR 0019).
/// </summary>
public sealed record ListDefinitionDto(
    string Name,
    int Version,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key,
    string? Signature = null,
    DateTimeOffset? SignedAt = null,
    string? SignatureV2 = null);
