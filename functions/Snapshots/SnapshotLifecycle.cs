using PecLists.Contracts;

namespace PecLists.Functions.Snapshots;

/// <summary>
/// Which status a snapshot may move to from which. The statuses themselves are the wire vocabulary
/// (<see cref="SnapshotStatuses"/>); <see cref="SnapshotLedger"/> is the only code that changes them, and only along
/// these edges:
/// <code>
/// (none) ──ingest──▶ received ──queued──▶ queued ──load──▶ loading ──▶ loaded | skipped | held | rejected | failed
/// (none) ──replay from blobs──▶ queued          received, failed, loading ──load──▶ loading (a retry or redelivery)
/// held ──operator applies──▶ queued (released from the guard)      held ──operator drops──▶ rejected
/// rejected ──operator replays blobs with include-rejected──▶ queued (not when an operator dropped it)
/// received, unclaimed ──sweeper──▶ queued, or rejected (blob-missing) when its file is gone
/// (none) ──unchanged delivery honoured──▶ loaded (no blob, nothing written; docs/adr/0024-unchanged-deliveries.md)
/// </code>
/// loaded, skipped and rejected are final: no load changes them again (only that explicit replay reopens a rejected one). held waits for an operator: no load moves it.
/// </summary>
public static class SnapshotLifecycle
{
    /// <summary>A load may start from these; from <see cref="SnapshotStatuses.Loading"/> too, because a load that died mid-way is delivered again.</summary>
    public static readonly IReadOnlyList<string> LoadableFrom =
        [SnapshotStatuses.Received, SnapshotStatuses.Queued, SnapshotStatuses.Failed, SnapshotStatuses.Loading];

    /// <summary>The statuses no transition leaves (<see cref="SnapshotStatuses.IsFinal"/> as a list for SQL).</summary>
    public static readonly IReadOnlyList<string> Final = [SnapshotStatuses.Loaded, SnapshotStatuses.Skipped, SnapshotStatuses.Rejected];

    /// <summary>What the status endpoint shows: <see cref="SnapshotStatuses.Received"/> is an internal step a site need not tell from <see cref="SnapshotStatuses.Queued"/>.</summary>
    public static string ToWire(string status) => status == SnapshotStatuses.Received ? SnapshotStatuses.Queued : status;

    /// <summary>Stored but never queued (a crash between the two): a repeat of the upload must queue it.</summary>
    public static bool NeedsQueueing(string status) => status == SnapshotStatuses.Received;
}
