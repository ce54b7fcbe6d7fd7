namespace PecLists.Contracts;

/// <summary>Snapshot statuses (docs/design.md §3).</summary>
public static class SnapshotStatuses
{
    /// <summary>Stored and recorded, not yet queued. Internal: the status endpoint shows it as <see cref="Queued"/>.</summary>
    public const string Received = "received";
    public const string Queued = "queued";
    public const string Loading = "loading";
    public const string Loaded = "loaded";
    public const string Skipped = "skipped";
    public const string Rejected = "rejected";
    public const string Failed = "failed";

    /// <summary>
    /// Not applied: it would delete more of the site's rows than the configured share, or it is empty while the site has
    /// rows. Waits for an operator to apply or drop it (docs/design.md §5).
    /// </summary>
    public const string Held = "held";

    public static bool IsFinal(string status) => status is Loaded or Skipped or Rejected;
}
