using PecLists.Contracts;
using PecLists.Uploader.Incremental;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// A complete delivery waiting in the spool: {site}/{list}/{snapshotId}.csv.gz for a whole snapshot, or
/// {snapshotId}.{kind}[.{cursor}].csv.gz for another <see cref="DeliveryKinds"/> kind and an incremental list's cursor,
/// so a delivery resends with the kind and cursor it was extracted with.
/// </summary>
public sealed record SpooledSnapshot(string Site, string List, Guid SnapshotId, string Path, string? Kind = null, CursorValue? Cursor = null)
{
    /// <summary>The extraction time is the UUIDv7's timestamp: the file name carries everything needed to resend.</summary>
    public DateTimeOffset ExtractedAt => SnapshotIds.Timestamp(SnapshotId);

    /// <summary>A whole snapshot of the list (no kind, or <see cref="DeliveryKinds.Snapshot"/>): it supersedes every older delivery of the list.</summary>
    public bool IsWhole => Kind is null or DeliveryKinds.Snapshot;
}
