using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Loading;

/// <summary>
/// Queues the snapshots an ingest recorded but never queued (the process died between the two): each is claimed the
/// way a repeat of the upload claims it (<see cref="SnapshotLedger.TryClaimQueueingAsync"/>), so a concurrent PUT and
/// the sweeper never both queue it. One whose blob is gone is rejected with <c>blob-missing</c> instead of left for ever.
/// </summary>
public sealed class ReceivedSweeper(SnapshotLedger ledger, SnapshotStore store, LoadQueue queue, IOptions<SweeperOptions> options, ILogger<ReceivedSweeper> logger)
{
    public async Task<SweepReport> SweepAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var found = await ledger.FindUnqueuedAsync(TimeSpan.FromMinutes(settings.ReceivedOlderThanMinutes), settings.MaxPerRun, ct);
        int queued = 0, missing = 0, claimed = 0;
        try
        {
            foreach (var snapshot in found)
            {
                if (!await ledger.TryClaimQueueingAsync(snapshot.SnapshotId, ct))
                {
                    claimed++;
                }
                else if (!await store.ExistsAsync(snapshot.Blob, ct))
                {
                    if (await ledger.RejectBlobMissingAsync(snapshot.SnapshotId, ct))
                    {
                        missing++;
                        logger.SnapshotBlobMissing(snapshot.SnapshotId, snapshot.Site, snapshot.List);
                    }
                }
                else
                {
                    await queue.EnqueueAsync(new LoadMessage(snapshot.SnapshotId, snapshot.Site, snapshot.List, snapshot.Blob, snapshot.ExtractedAt), ct);
                    await ledger.MarkQueuedAsync(snapshot.SnapshotId, ct);
                    queued++;
                }
            }
        }
        finally
        {
            // Counts only, also when storage or the database failed mid-way (the claims lapse and the next run retries).
            logger.ReceivedSweep(found.Count, queued, missing, claimed);
        }

        return new SweepReport(found.Count, queued, missing, claimed);
    }
}
