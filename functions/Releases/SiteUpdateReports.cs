using Dapper;
using PecLists.Contracts;
using Npgsql;

namespace PecLists.Functions.Releases;

/// <summary>
/// What a heartbeat's <c>update</c> report changes centrally: the site's last self-update (the fleet view, the rollout's
/// progress) and, when the report says the build itself failed there, a block on that version for that site that only
/// an operator's <c>releases clear</c> lifts (docs/adr/0026-uploader-releases-and-rollout.md).
/// </summary>
public static class SiteUpdateReports
{
    /// <summary>
    /// The reports that block a version at a site: a rollback (whatever its reason), or a failure of the new binary
    /// itself (doctor, start, first run). A failed download or check blocks nothing: the next run tries again. A
    /// <see cref="UpdateFailureCodes.VersionBlocked"/> report only repeats the block, so it never renews it (that would
    /// undo an operator's clearance before the site could see it).
    /// </summary>
    public static bool Blocks(UpdateReportDto update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return update.State == UpdateStates.RolledBack
            || (update.State == UpdateStates.UpdateFailed
                && update.Reason is UpdateFailureCodes.DoctorFailed or UpdateFailureCodes.CrashedAtStart or UpdateFailureCodes.FirstRunFailed);
    }

    /// <summary>
    /// Records <paramref name="update"/> for <paramref name="site"/> in <paramref name="transaction"/> (the heartbeat's
    /// own: both are stored or neither); the same report received again (same <c>at</c>) blocks nothing anew.
    /// </summary>
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, UpdateReportDto update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.site_updates (site_id, state, version, from_version, reason, reported_at, received_at)
            VALUES (@site, @State, @Version, @FromVersion, @Reason, @At, clock_timestamp())
            ON CONFLICT (site_id) DO UPDATE SET state = excluded.state, version = excluded.version, from_version = excluded.from_version,
                reason = excluded.reason, reported_at = excluded.reported_at, received_at = excluded.received_at
            """, new { site, update.State, update.Version, update.FromVersion, update.Reason, update.At }, transaction, cancellationToken: ct));
        if (!Blocks(update))
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.release_blocks AS b (site_id, version, state, reason, reported_at, blocked_at)
            VALUES (@site, @Version, @State, @Reason, @At, clock_timestamp())
            ON CONFLICT (site_id, version) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                reported_at = excluded.reported_at, blocked_at = excluded.blocked_at
             WHERE b.blocked_at IS NULL OR excluded.reported_at IS NULL OR b.reported_at IS NULL OR excluded.reported_at > b.reported_at
            """, new { site, update.Version, update.State, update.Reason, update.At }, transaction, cancellationToken: ct));
    }
}
