using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Loading;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;

namespace PecLists.Functions.Operations;

/// <summary>
/// The operator's decision on a held snapshot (docs/design.md §5): apply it anyway (it is queued again, released from the
/// mass-deletion guard) or drop it (rejected, the site's rows stay as they are). Each decision is audited with who made it.
/// While held, the snapshot's blob is kept outside the storage lifecycle rule (<see cref="SnapshotStore.HeldPrefix"/>),
/// so a decision taken after the retention period still has its data.
/// </summary>
public sealed class HeldSnapshots(SnapshotLedger ledger, LoadQueue queue, NpgsqlDataSource database, SnapshotStore store, TimeProvider time)
{
    public const string Apply = "apply";
    public const string Drop = "drop";

    /// <summary>What waits, oldest first, with how long each has waited.</summary>
    public async Task<IReadOnlyList<HeldSnapshot>> ListAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return [.. (await ledger.ReadHeldAsync(ct)).Select(s => HeldSnapshot.Of(s, now))];
    }

    /// <summary>Applies or drops a held snapshot; false when it is not held (unknown, or decided already).</summary>
    public async Task<bool> DecideAsync(Guid snapshotId, string decision, string actor, CancellationToken ct)
    {
        if (decision is not (Apply or Drop))
        {
            throw new ArgumentOutOfRangeException(nameof(decision), decision, $"'{Apply}' or '{Drop}'");
        }

        if (await ledger.FindHeldBlobAsync(snapshotId, ct) is not { } heldBlob)
        {
            return false;
        }

        // Decided, the blob goes back under the lifecycle rule (a fresh copy: its retention counts from the decision);
        // the copy kept while held is removed once the row names the other.
        var blob = SnapshotStore.ReleasedName(heldBlob);
        if (blob != heldBlob)
        {
            await store.CopyAsync(heldBlob, blob, ct);
        }

        bool decided;
        if (decision == Apply)
        {
            var released = await ledger.ReleaseHoldAsync(snapshotId, blob, ct);
            if (released is { } r)
            {
                await queue.EnqueueAsync(new LoadMessage(snapshotId, r.Site, r.List, r.Blob, r.ExtractedAt), ct);
            }

            decided = released is not null;
        }
        else
        {
            decided = await ledger.DropHeldAsync(snapshotId, blob, ct);
        }

        if (decided)
        {
            await OperatorAudit.RecordAsync(database, actor, decision == Apply ? OperatorAudit.HeldApply : OperatorAudit.HeldDrop, snapshotId.ToString("D"), null, ct);
            if (blob != heldBlob)
            {
                await store.DeleteIfExistsAsync(heldBlob, ct);
            }
        }

        return decided;
    }
}
