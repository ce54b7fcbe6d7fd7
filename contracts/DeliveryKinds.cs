namespace PecLists.Contracts;

/// <summary>
/// What one delivery of a list holds (the <c>X-Delivery</c> header of a snapshot upload; absent means
/// <see cref="Snapshot"/>). The list's mode says which kinds it may receive (<see cref="AllowedBy"/>).
/// </summary>
public static class DeliveryKinds
{
    /// <summary>The site's whole list: rows missing from it are removed centrally. An incremental list's first run is one.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Rows to add if not already there (by key): an append list's deliveries.</summary>
    public const string Append = "append";

    /// <summary>Rows changed since the cursor, upserted by key (a soft-deleted row is removed).</summary>
    public const string Changes = "changes";

    /// <summary>Only the key columns of every row the source has now: central rows whose key is gone are removed.</summary>
    public const string KeySet = "keyset";

    /// <summary>
    /// Not a body's kind and never an X-Delivery value: the record of an unchanged delivery (POST
    /// <see cref="ApiRoutes.UnchangedDelivery"/>), a snapshot of a snapshot-mode list whose rows the backend found equal
    /// to what it holds, loaded without a payload and writing nothing (docs/adr/0024-unchanged-deliveries.md).
    /// </summary>
    public const string Unchanged = "same-rows";

    /// <summary>The kinds a delivery's body can hold (X-Delivery).</summary>
    public static readonly IReadOnlyList<string> All = [Snapshot, Append, Changes, KeySet];

    /// <summary>The delivery kinds a list of <paramref name="mode"/> accepts.</summary>
    public static IReadOnlyList<string> AllowedBy(string mode) => mode switch
    {
        LoadModes.Append => [Append],
        LoadModes.Incremental => [Snapshot, Changes, KeySet],
        _ => [Snapshot],
    };
}
