namespace PecLists.Contracts;

/// <summary>
/// What a v2 signature covers: the fields of <see cref="SignedListContent"/> and the time it was signed, so a definition
/// served long after it was signed can be refused. Serialised only through <see cref="ContractsJsonContext"/>.
/// </summary>
public sealed record DatedSignedListContent(
    string Name,
    int Version,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key,
    DateTimeOffset SignedAt);
