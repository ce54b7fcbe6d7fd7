using PecLists.Contracts;

namespace PecLists.Functions.Snapshots;

/// <summary>
/// How a load ended. Only these four can be built, so a load can never "finish" a snapshot back to received or queued.
/// </summary>
public sealed record SnapshotOutcome
{
    private SnapshotOutcome(string status, SnapshotRowCounts? rows, string? code, string? reason)
    {
        Status = status;
        Rows = rows;
        Code = code;
        Reason = reason;
    }

    public string Status { get; }

    public SnapshotRowCounts? Rows { get; }

    public string? Code { get; }

    public string? Reason { get; }

    public static SnapshotOutcome Loaded(SnapshotRowCounts rows) => new(SnapshotStatuses.Loaded, rows, null, null);

    public static SnapshotOutcome Skipped(string code, string reason) => new(SnapshotStatuses.Skipped, null, code, reason);

    public static SnapshotOutcome Rejected(string code, string reason) => new(SnapshotStatuses.Rejected, null, code, reason);

    /// <summary>Not final: the queue delivers the message again and the next attempt starts from here.</summary>
    public static SnapshotOutcome Failed(string code, string reason) => new(SnapshotStatuses.Failed, null, code, reason);
}
