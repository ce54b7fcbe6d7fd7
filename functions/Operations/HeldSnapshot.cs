using PecLists.Contracts;

namespace PecLists.Functions.Operations;

/// <summary>
/// A snapshot waiting for an operator (GET /api/v1/admin/snapshots/held, <c>snapshots held</c>): its status, when it
/// was held and how long it has waited. Its blob is kept until the decision, however long that takes.
/// </summary>
public sealed record HeldSnapshot(SnapshotStatusDto Snapshot, DateTimeOffset HeldSince, double HoursWaiting)
{
    public static HeldSnapshot Of(SnapshotStatusDto snapshot, DateTimeOffset now)
    {
        // load_finished_at is set when the guard held it; received_at only for a row that somehow lacks it.
        var since = snapshot.LoadFinishedAt ?? snapshot.ReceivedAt;
        return new HeldSnapshot(snapshot, since, Math.Round(Math.Max(0, (now - since).TotalHours), 2));
    }
}
