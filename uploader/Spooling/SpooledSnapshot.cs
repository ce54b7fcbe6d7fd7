using PecLists.Contracts;

namespace PecLists.Uploader.Spooling;

/// <summary>A complete snapshot waiting in the spool: {site}/{list}/{snapshotId}.csv.gz.</summary>
public sealed record SpooledSnapshot(string Site, string List, Guid SnapshotId, string Path)
{
    /// <summary>The extraction time is the UUIDv7's timestamp: the file name carries everything needed to resend.</summary>
    public DateTimeOffset ExtractedAt => SnapshotIds.Timestamp(SnapshotId);
}
