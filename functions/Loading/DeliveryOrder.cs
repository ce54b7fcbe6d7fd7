using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Snapshots;
using Npgsql;

namespace PecLists.Functions.Loading;

/// <summary>
/// The order in which an incremental list's partial deliveries load (docs/adr/0022-list-definitions-beyond-one-query.md,
/// item 11). A `changes` delivery holds some rows, a `keyset` only the keys: neither says what the other says, so
/// neither may be judged "older" against the other once loaded out of turn. The queue gives no order (two messages a
/// moment apart are taken in either order), so a `changes` or `keyset` delivery waits (is deferred, as when its pair
/// is busy) while a delivery of its pair of a kind it does not supersede, extracted before it, has not finished
/// loading yet; then the usual rule applies (one older than the pair's loaded delivery is skipped).
/// What each kind supersedes: a later `changes` holds every row an earlier one held (it was read from an acknowledged
/// cursor the earlier one never moved), a later `keyset` every key an earlier one held; a `snapshot` holds everything.
/// So `changes` waits for earlier `snapshot` and `keyset` deliveries, `keyset` for earlier `snapshot` and `changes`.
/// A `snapshot` and an `append` delivery never wait. The wait is bounded by <see cref="LoadOptions.DeliveryOrderWaitSeconds"/>
/// from either delivery's receipt: an earlier delivery that keeps failing must not stop its pair; past the bound the
/// delivery loads, and the earlier one, if it loads later still, is skipped as older, as before this rule.
/// </summary>
public static class DeliveryOrder
{
    /// <summary>The kinds an earlier-extracted, unfinished delivery of the pair must be of for a <paramref name="kind"/> delivery to wait for it.</summary>
    public static IReadOnlyList<string> WaitsFor(string kind) => kind switch
    {
        DeliveryKinds.Changes => [DeliveryKinds.Snapshot, DeliveryKinds.KeySet],
        DeliveryKinds.KeySet => [DeliveryKinds.Snapshot, DeliveryKinds.Changes],
        _ => [],
    };

    /// <summary>
    /// True when the snapshot must come back later: an earlier delivery of its pair that it must follow is still
    /// received, queued, loading or failed (to be retried), and both were received less than <paramref name="waitSeconds"/>
    /// ago (by the database's clock, which stamps received_at). The earlier one's receipt counts too, so a delivery that
    /// failed for good yesterday, or an operator's replay of it, never holds today's deliveries: it is judged older when it
    /// loads, as before. One index probe on snapshots_site_list.
    /// </summary>
    public static async Task<bool> MustWaitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, LoadTarget target, int waitSeconds, CancellationToken ct)
    {
        var kinds = WaitsFor(target.DeliveryKind);
        if (kinds.Count == 0 || waitSeconds == 0)
        {
            return false;
        }

        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (
              SELECT 1 FROM ingest.snapshots cur
                JOIN ingest.snapshots earlier ON earlier.site_id = cur.site_id AND earlier.list_name = cur.list_name
               WHERE cur.snapshot_id = @snapshotId
                 AND cur.received_at > now() - make_interval(secs => @waitSeconds)
                 AND earlier.received_at > now() - make_interval(secs => @waitSeconds)
                 AND earlier.extracted_at < cur.extracted_at
                 AND earlier.delivery_kind = ANY(@kinds)
                 AND earlier.status = ANY(@pending))
            """,
            new { snapshotId, waitSeconds = (double)waitSeconds, kinds = kinds.ToArray(), pending = SnapshotLifecycle.LoadableFrom.ToArray() },
            transaction, cancellationToken: ct));
    }
}
