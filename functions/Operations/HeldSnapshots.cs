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
/// </summary>
public sealed class HeldSnapshots(SnapshotLedger ledger, LoadQueue queue, NpgsqlDataSource database)
{
    public const string Apply = "apply";
    public const string Drop = "drop";

    public Task<IReadOnlyList<SnapshotStatusDto>> ListAsync(CancellationToken ct) => ledger.ReadHeldAsync(ct);

    /// <summary>Applies or drops a held snapshot; false when it is not held (unknown, or decided already).</summary>
    public async Task<bool> DecideAsync(Guid snapshotId, string decision, string actor, CancellationToken ct)
    {
        bool decided;
        switch (decision)
        {
            case Apply:
                var released = await ledger.ReleaseHoldAsync(snapshotId, ct);
                if (released is { } r)
                {
                    await queue.EnqueueAsync(new LoadMessage(snapshotId, r.Site, r.List, r.Blob, r.ExtractedAt), ct);
                }

                decided = released is not null;
                break;
            case Drop:
                decided = await ledger.DropHeldAsync(snapshotId, ct);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(decision), decision, $"'{Apply}' or '{Drop}'");
        }

        if (decided)
        {
            await OperatorAudit.RecordAsync(database, actor, decision == Apply ? OperatorAudit.HeldApply : OperatorAudit.HeldDrop, snapshotId.ToString("D"), null, ct);
        }

        return decided;
    }
}
