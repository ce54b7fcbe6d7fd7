namespace PecLists.Contracts;

/// <summary>
/// How the central table takes a list's deliveries (the definition's <c>mode</c>; dlt's "write dispositions").
/// docs/adr/0022-list-definitions-beyond-one-query.md.
/// </summary>
public static class LoadModes
{
    /// <summary>Each delivery is the site's whole list; the central rows become exactly it (merge by row hash). The default.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Each delivery adds rows (an event stream); the key makes a re-delivered or overlapping row count once.</summary>
    public const string Append = "append";

    /// <summary>Deliveries carry the rows changed since the acknowledged cursor; the loader upserts them by key.</summary>
    public const string Incremental = "incremental";

    public static readonly IReadOnlyList<string> All = [Snapshot, Append, Incremental];

    /// <summary>The mode a definition declares, <see cref="Snapshot"/> when it declares none.</summary>
    public static string Of(ListDefinitionDto definition) => definition.Mode ?? Snapshot;
}
