using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using PecLists.Functions.Data;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;

namespace PecLists.Functions.Operations;

/// <summary>
/// Keeps the bookkeeping tables bounded (<see cref="RetentionOptions"/>): heartbeats, final snapshot records and the
/// operator audit (unless its retention is set to 0) lose their rows past the retention, oldest first, in batches of
/// <see cref="RetentionOptions.BatchSize"/> rows, each one statement in its own transaction that skips rows another
/// session has locked, so a busy table is never locked for long. Each site's latest heartbeat and each pair's loaded
/// snapshot stay, and snapshots that are not final (held ones above all) are never touched. It also deletes copies left
/// under <see cref="SnapshotStore.HeldPrefix"/> that no held snapshot needs (a load that copied its blob there and
/// then failed before recording the hold): that prefix is outside the storage lifecycle rule, so nothing else would.
/// </summary>
public sealed class Retention(NpgsqlDataSource database, SnapshotLedger ledger, SnapshotStore store, IOptions<RetentionOptions> options, TimeProvider time, ILogger<Retention> logger)
{
    private const string DeleteHeartbeats =
        """
        DELETE FROM ingest.heartbeats h
         USING (SELECT o.site_id, o.received_at FROM ingest.heartbeats o
                 WHERE o.received_at < @cutoff
                   AND o.received_at < (SELECT max(l.received_at) FROM ingest.heartbeats l WHERE l.site_id = o.site_id)
                 ORDER BY o.received_at
                 LIMIT @batch
                 FOR UPDATE SKIP LOCKED) old
         WHERE h.site_id = old.site_id AND h.received_at = old.received_at
        """;

    public async Task<RetentionReport> RunAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        long heartbeats = 0, snapshots = 0, audit = 0, heldCopies = 0;
        var more = false;
        try
        {
            (heartbeats, var moreHeartbeats) = await InBatchesAsync(
                batch => ExecuteAsync(DeleteHeartbeats, new { cutoff = now.AddDays(-settings.HeartbeatDays), batch }, ct), ct);
            (snapshots, var moreSnapshots) = await InBatchesAsync(
                batch => ledger.DeleteOldFinalAsync(now.AddDays(-settings.SnapshotDays), batch, ct), ct);
            var moreAudit = false;
            if (settings.AuditDays > 0)
            {
                (audit, moreAudit) = await InBatchesAsync(batch => OperatorAudit.DeleteOlderThanAsync(database, now.AddDays(-settings.AuditDays), batch, ct), ct);
            }

            heldCopies = await DeleteUnneededHeldCopiesAsync(ct);
            more = moreHeartbeats || moreSnapshots || moreAudit;
        }
        finally
        {
            logger.RetentionSweep(heartbeats, snapshots, audit, heldCopies, more);
        }

        return new RetentionReport(heartbeats, snapshots, audit, more) { HeldCopies = heldCopies };
    }

    /// <summary>Held-snapshot copies whose snapshot is neither held with them nor loading (few: held snapshots are rare).</summary>
    private async Task<long> DeleteUnneededHeldCopiesAsync(CancellationToken ct)
    {
        long deleted = 0;
        await foreach (var blob in store.ListHeldAsync(ct))
        {
            if (blob.SnapshotId is not { } id || !await ledger.NeedsHeldBlobAsync(id, blob.Name, ct))
            {
                await store.DeleteIfExistsAsync(blob.Name, ct);
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Batch after batch until one comes back short or the run's budget is spent (then more may be left).</summary>
    private async Task<(long Deleted, bool More)> InBatchesAsync(Func<int, Task<int>> deleteBatch, CancellationToken ct)
    {
        var settings = options.Value;
        long deleted = 0;
        for (var i = 0; i < settings.MaxBatchesPerRun; i++)
        {
            ct.ThrowIfCancellationRequested();
            var batch = await deleteBatch(settings.BatchSize);
            deleted += batch;
            if (batch < settings.BatchSize)
            {
                return (deleted, false);
            }
        }

        return (deleted, true);
    }

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }
}
