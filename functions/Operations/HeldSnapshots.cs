using PecLists.Contracts;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;

namespace PecLists.Functions.Operations;

/// <summary>
/// The operator's decision on a held snapshot (docs/design.md §5): apply it anyway (it is queued again, released from the
/// mass-deletion guard) or drop it (rejected, the site's rows stay as they are).
/// </summary>
public sealed class HeldSnapshots(SnapshotLedger ledger, LoadQueue queue)
{
    public const string Apply = "apply";
    public const string Drop = "drop";

    public Task<IReadOnlyList<SnapshotStatusDto>> ListAsync(CancellationToken ct) => ledger.ReadHeldAsync(ct);

    /// <summary>Applies or drops a held snapshot; false when it is not held (unknown, or decided already).</summary>
    public async Task<bool> DecideAsync(Guid snapshotId, string decision, CancellationToken ct)
    {
        switch (decision)
        {
            case Apply:
                if (await ledger.ReleaseHoldAsync(snapshotId, ct) is not { } released)
                {
                    return false;
                }

                await queue.EnqueueAsync(new LoadMessage(snapshotId, released.Site, released.List, released.Blob, released.ExtractedAt), ct);
                return true;
            case Drop:
                return await ledger.DropHeldAsync(snapshotId, ct);
            default:
                throw new ArgumentOutOfRangeException(nameof(decision), decision, $"'{Apply}' or '{Drop}'");
        }
    }
}
