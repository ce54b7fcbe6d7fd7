namespace PecLists.Contracts;

/// <summary>
/// Why the backend refused an unchanged delivery (the <c>reason</c> member of a <see cref="ProblemCodes.FullDeliveryRequired"/>
/// problem, and the telemetry's): each means "send the list whole", which the uploader does at once.
/// </summary>
public static class FullDeliveryReasons
{
    /// <summary>No digest is held for the site and list: never loaded whole, a replay or a restore invalidated it, or another kind of delivery loaded since.</summary>
    public const string NothingHeld = "nothing-held";

    /// <summary>The held digest was computed with another list version.</summary>
    public const string VersionDiffers = "version-differs";

    /// <summary>The rows differ from those held (count or digest): the list changed.</summary>
    public const string DigestDiffers = "digest-differs";

    /// <summary>The last full delivery is older than Ingest:FullDeliveryEveryDays: one is forced.</summary>
    public const string FullDue = "full-due";

    /// <summary>Central no longer holds what the digest was computed from (a restore or a hand edit): the held digest was dropped.</summary>
    public const string CentralDiffers = "central-differs";

    /// <summary>Another delivery of the pair is waiting or loading, or a later one is loaded.</summary>
    public const string PairBusy = "pair-busy";

    /// <summary>The list is not in snapshot mode (append and incremental lists have their own deliveries).</summary>
    public const string NotSnapshotMode = "not-snapshot-mode";
}
