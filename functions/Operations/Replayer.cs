using Azure.Storage.Queues.Models;
using PecLists.Contracts;
using PecLists.Functions.Loading;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;

namespace PecLists.Functions.Operations;

/// <summary>
/// The ops path for failed loads. Poison messages go back to the load queue; or snapshots are re-queued straight
/// from Blob storage (the source of truth). Loads are idempotent, so replaying anything any number of times
/// leaves the central tables as one replay would.
/// </summary>
public sealed class Replayer(LoadQueue queue, SnapshotStore store, SnapshotLedger ledger)
{
    /// <summary>The poison queue as a replay's source (the admin API's and the command's name for it).</summary>
    public const string Poison = "poison";

    /// <summary>Blob storage as a replay's source.</summary>
    public const string Blobs = "blobs";

    /// <summary>How long messages of a poison pass stay invisible (the pass itself stops at half of it).</summary>
    public static readonly TimeSpan PoisonLease = TimeSpan.FromMinutes(10);

    public async Task<ReplayReport> ReplayPoisonAsync(ReplayFilter filter, bool dryRun, CancellationToken ct)
    {
        var items = new List<ReplayItem>();
        if (!await queue.PoisonExistsAsync(ct))
        {
            return new ReplayReport(Poison, dryRun, 0, items);
        }

        // Messages received in this pass stay invisible for the lease, so each is seen once; the ones left alone
        // (not matching, or dry run) are made visible again at the end. The pass stops at half the lease, so a message
        // received early never reappears (and is seen twice) while the pass is still running.
        var lease = PoisonLease;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var complete = true;
        var leftAlone = new List<QueueMessage>();
        while (true)
        {
            if (clock.Elapsed > lease / 2)
            {
                complete = false;
                break;
            }

            var batch = await queue.ReceivePoisonedAsync(lease, ct);
            if (batch.Length == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                var load = LoadMessage.TryParse(message.Body.ToString());
                if (load is null || !filter.Matches(load))
                {
                    leftAlone.Add(message);
                    continue;
                }

                items.Add(new ReplayItem(load.SnapshotId, load.Site, load.List, load.ExtractedAt));
                if (dryRun)
                {
                    leftAlone.Add(message);
                    continue;
                }

                await queue.EnqueueAsync(load with { Retry = 0 }, ct); // a replay starts a fresh retry budget
                await queue.DeletePoisonedAsync(message, ct);
            }
        }

        foreach (var message in leftAlone)
        {
            await queue.ReleasePoisonedAsync(message, ct);
        }

        return new ReplayReport(Poison, dryRun, dryRun ? 0 : items.Count, items, complete);
    }

    public async Task<ReplayReport> ReplayBlobsAsync(ReplayFilter filter, bool dryRun, CancellationToken ct)
    {
        var items = new List<ReplayItem>();
        await foreach (var stored in store.ListAsync(filter.Site, filter.List, ct))
        {
            var load = stored.Reference;
            if (!filter.Matches(load))
            {
                continue;
            }

            items.Add(new ReplayItem(load.SnapshotId, load.Site, load.List, load.ExtractedAt));
            if (!dryRun)
            {
                // The pair's held digest no longer says what central will hold once older deliveries are applied again:
                // dropped, so the next unchanged delivery is refused and a full one follows (docs/adr/0024).
                await ledger.ForgetHeldDigestAsync(load.Site, load.List, ct);

                // A blob whose bookkeeping row is gone (e.g. a database restore) gets it back, queued.
                await ledger.RecordQueuedIfMissingAsync(
                    new NewSnapshot(load.SnapshotId, load.Site, load.List, load.Blob, stored.Digest, stored.CompressedBytes, load.ExtractedAt, ListVersion: stored.ListVersion)
                    {
                        DeliveryKind = stored.Delivery is { } kind && DeliveryKinds.All.Contains(kind) ? kind : DeliveryKinds.Snapshot,
                        Cursor = stored.Cursor,
                    }, ct);
                if (filter.IncludeRejected)
                {
                    await ledger.ReopenRejectedAsync(load.SnapshotId, ct);
                }

                await queue.EnqueueAsync(LoadMessage.Of(load), ct);
            }
        }

        return new ReplayReport(Blobs, dryRun, dryRun ? 0 : items.Count, items);
    }
}
