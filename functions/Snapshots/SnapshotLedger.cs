using System.Text.Json;
using TargetRow = (string Status, string Site, string List, string Blob, System.DateTime ExtractedAt, int? Version, bool Released, System.DateTime ReceivedAt, string DeliveryKind, string? Cursor);
using Dapper;
using PecLists.Contracts;
using Npgsql;

namespace PecLists.Functions.Snapshots;

/// <summary>
/// The one owner of ingest.snapshots (and of ingest.load_state, the loaded snapshot per site and list): every read and
/// every status change of a snapshot is a method here, and each change moves only along <see cref="SnapshotLifecycle"/>.
/// Statuses reach SQL as parameters, never as literals. Methods taking a connection run inside the caller's load.
/// </summary>
public sealed class SnapshotLedger(NpgsqlDataSource database)
{
    private const string StatusSelect = """
        SELECT snapshot_id AS SnapshotId, site_id AS Site, list_name AS List, status AS Status, extracted_at AS ExtractedAt,
               received_at AS ReceivedAt, load_started_at AS LoadStartedAt, load_finished_at AS LoadFinishedAt,
               rows_inserted AS Inserted, rows_updated AS Updated, rows_deleted AS Deleted, rows_unchanged AS Unchanged,
               error_code AS ErrorCode, error_detail AS ErrorDetail, delivery_kind AS DeliveryKind
          FROM ingest.snapshots
        """;

    /// <summary>How long the request that recorded a snapshot has to queue it before a repeat of the upload may take over.</summary>
    public static readonly TimeSpan QueueClaimLease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// (none) → received, claiming its queueing for this request. False when the id is already recorded (a repeat or a
    /// concurrent upload).
    /// </summary>
    public async Task<bool> RecordReceivedAsync(NewSnapshot snapshot, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await InsertAsync(connection, snapshot, SnapshotStatuses.Received, ct) == 1;
    }

    /// <summary>(none) → queued: a blob replayed after its row was lost (e.g. a database restore). A row already there is left as it is.</summary>
    public async Task RecordQueuedIfMissingAsync(NewSnapshot snapshot, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await InsertAsync(connection, snapshot, SnapshotStatuses.Queued, ct);
    }

    /// <summary>
    /// Takes over the queueing of a received snapshot whose claim is stale (its request died between recording and
    /// queueing). False when it is not received, or another request holds a fresh claim: that one queues it.
    /// </summary>
    public async Task<bool> TryClaimQueueingAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingest.snapshots SET queue_claimed_at = now()
             WHERE snapshot_id = @snapshotId AND status = @received
               AND (queue_claimed_at IS NULL OR queue_claimed_at < now() - @lease)
            """,
            new { snapshotId, received = SnapshotStatuses.Received, lease = QueueClaimLease }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Received snapshots nobody is queueing: recorded more than <paramref name="olderThan"/> ago and not claimed, or
    /// claimed longer ago than <see cref="QueueClaimLease"/>. Oldest first, at most <paramref name="limit"/>. Reads only:
    /// the caller takes each one with <see cref="TryClaimQueueingAsync"/>, as a repeat of the upload would.
    /// </summary>
    public async Task<IReadOnlyList<UnqueuedSnapshot>> FindUnqueuedAsync(TimeSpan olderThan, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid Id, string Site, string List, string Blob, DateTime ExtractedAt)>(new CommandDefinition(
            """
            SELECT snapshot_id, site_id, list_name, blob_name, extracted_at
              FROM ingest.snapshots
             WHERE status = @received AND received_at < now() - make_interval(secs => @olderThanSeconds)
               AND (queue_claimed_at IS NULL OR queue_claimed_at < now() - @lease)
             ORDER BY received_at
             LIMIT @limit
            """,
            new { received = SnapshotStatuses.Received, olderThanSeconds = olderThan.TotalSeconds, lease = QueueClaimLease, limit }, cancellationToken: ct));
        return [.. rows.Select(r => new UnqueuedSnapshot(r.Id, r.Site, r.List, r.Blob, Utc(r.ExtractedAt)))];
    }

    /// <summary>
    /// received → rejected with <see cref="SnapshotErrorCodes.BlobMissing"/>: its file is gone, so no load could ever
    /// run. False when it is no longer received (queued or loaded meanwhile).
    /// </summary>
    public async Task<bool> RejectBlobMissingAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingest.snapshots
               SET status = @rejected, error_code = @code, load_finished_at = clock_timestamp(),
                   error_detail = 'The snapshot file is no longer in storage and it was never queued; send a new snapshot.'
             WHERE snapshot_id = @snapshotId AND status = @received
            """,
            new { snapshotId, rejected = SnapshotStatuses.Rejected, received = SnapshotStatuses.Received, code = SnapshotErrorCodes.BlobMissing },
            cancellationToken: ct)) == 1;
    }

    /// <summary>received → queued, once the load message is sent. Any other status is left alone.</summary>
    public async Task MarkQueuedAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ingest.snapshots SET status = @queued WHERE snapshot_id = @snapshotId AND status = @received",
            new { snapshotId, queued = SnapshotStatuses.Queued, received = SnapshotStatuses.Received }, cancellationToken: ct));
    }

    public async Task<SnapshotRecord?> FindAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<SnapshotRecord>(new CommandDefinition(
            """
            SELECT site_id AS Site, list_name AS List, digest AS Digest, status AS Status, delivery_kind AS DeliveryKind, delivery_cursor AS Cursor
              FROM ingest.snapshots WHERE snapshot_id = @snapshotId
            """,
            new { snapshotId }, cancellationToken: ct));
    }

    /// <summary>What GET /api/v1/snapshots/{id} answers, with the status as sites see it; null when unknown.</summary>
    public async Task<SnapshotStatusDto?> ReadStatusAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var row = await connection.QueryFirstOrDefaultAsync<SnapshotStatusRow>(new CommandDefinition(
            StatusSelect + " WHERE snapshot_id = @snapshotId", new { snapshotId }, cancellationToken: ct));
        return row?.ToDto();
    }

    /// <summary>One row per site: its last heartbeat and last snapshot, and how long it has been silent.</summary>
    public async Task<IReadOnlyList<FleetSite>> ReadFleetAsync(FleetOptions options, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var sites = await connection.QueryAsync<FleetRow>(new CommandDefinition(
            """
            SELECT s.site_id AS Ibge, s.name AS Name,
                   h.received_at AS LastHeartbeatAt, h.report->>'outcome' AS LastOutcome, h.report->>'errorCode' AS LastErrorCode,
                   h.report->>'uploaderVersion' AS UploaderVersion, (h.report->>'clockSkewSeconds')::float8 AS ClockSkewSeconds,
                   n.received_at AS LastSnapshotAt, n.status AS LastSnapshotStatus, n.delivery_kind AS LastSnapshotDelivery,
                   coalesce(held.count, 0) AS HeldSnapshots, coalesce(held.lists, '') AS HeldLists, held.since AS HeldSince, s.token_refused_at AS TokenRefusedAt,
                   (h.report->'unreportedRuns')::text AS UnreportedRunsJson,
                   u.state AS UpdateState, u.version AS UpdateVersion, u.reason AS UpdateReason, u.received_at AS UpdateReceivedAt
              FROM ingest.sites s
              LEFT JOIN ingest.site_updates u ON u.site_id = s.site_id
              LEFT JOIN LATERAL (SELECT received_at, report FROM ingest.heartbeats WHERE site_id = s.site_id ORDER BY received_at DESC LIMIT 1) h ON true
              LEFT JOIN LATERAL (SELECT received_at, status, delivery_kind FROM ingest.snapshots WHERE site_id = s.site_id ORDER BY received_at DESC LIMIT 1) n ON true
              LEFT JOIN LATERAL (
                    SELECT count(*) AS count, string_agg(DISTINCT list_name, ',' ORDER BY list_name) AS lists,
                           min(coalesce(load_finished_at, received_at)) AS since
                      FROM ingest.snapshots WHERE site_id = s.site_id AND status = @held) held ON true
             ORDER BY s.site_id
            """, new { held = SnapshotStatuses.Held }, cancellationToken: ct));

        // Per (site, list): the newest snapshot's status (a rejected or failed one colours the site) and the last load.
        var lists = (await connection.QueryAsync<(string Site, string List, string NewestStatus, DateTime? LastLoadedAt)>(new CommandDefinition(
            PerListSql, cancellationToken: ct))).ToLookup(l => l.Site);

        return [.. sites.Select(s =>
        {
            var heartbeat = s.LastHeartbeatAt is { } h ? Utc(h) : (DateTimeOffset?)null;
            var snapshot = s.LastSnapshotAt is { } n ? Utc(n) : (DateTimeOffset?)null;
            var siteLists = lists[s.Ibge].OrderBy(l => l.List, StringComparer.Ordinal).ToList();
            var tokenRefused = s.TokenRefusedAt is { } r ? Utc(r) : (DateTimeOffset?)null;
            var (category, status) = SiteCondition.Classify(now, heartbeat, s.LastOutcome, s.LastErrorCode, s.ClockSkewSeconds,
                siteLists.Select(l => l.NewestStatus), s.HeldSnapshots, options, tokenRefused);
            var latest = new[] { heartbeat, snapshot }.Max();
            var unreported = s.UnreportedRunsJson is { } json ? JsonSerializer.Deserialize(json, ContractsJsonContext.Default.UnreportedRunArray) ?? [] : [];
            return new FleetSite(s.Ibge, s.Name, status, category, heartbeat, s.LastOutcome, s.LastErrorCode, s.UploaderVersion, s.ClockSkewSeconds,
                latest is { } l ? Math.Round((now - l).TotalHours, 2) : null, snapshot, s.LastSnapshotStatus,
                siteLists.ToDictionary(l => l.List, l => l.LastLoadedAt is { } at ? Utc(at) : (DateTimeOffset?)null, StringComparer.Ordinal),
                s.HeldSnapshots, s.HeldLists,
                unreported.Length, SiteCondition.UnreportedCategory(unreported), unreported.Length == 0 ? null : unreported.Min(r => r.RanAt),
                s.HeldSince is { } held ? Utc(held) : null,
                s.LastSnapshotDelivery,
                s.UpdateState, s.UpdateVersion, s.UpdateReason, s.UpdateReceivedAt is { } update ? Utc(update) : null);
        })];
    }

    /// <summary>
    /// Per (site, list): the newest snapshot's status and when the list last loaded. Index probes only, whatever the
    /// history's length: the pairs by a skip scan of snapshots_site_list (a recursive CTE, one probe per pair), the newest
    /// snapshot through the same index, and the last load from load_state, which every load to "loaded" rewrites
    /// (RecordLoadedAsync is the one way there), so its snapshot's finish is the pair's latest.
    /// </summary>
    public const string PerListSql =
        """
        WITH RECURSIVE pairs AS (
                (SELECT site_id, list_name FROM ingest.snapshots ORDER BY site_id, list_name LIMIT 1)
                UNION ALL
                SELECT next.site_id, next.list_name
                  FROM pairs p
                 CROSS JOIN LATERAL (
                        SELECT site_id, list_name FROM ingest.snapshots
                         WHERE (site_id, list_name) > (p.site_id, p.list_name)
                         ORDER BY site_id, list_name LIMIT 1) next)
        SELECT p.site_id, p.list_name, newest.status, loaded.load_finished_at
          FROM pairs p
         CROSS JOIN LATERAL (
                SELECT status FROM ingest.snapshots
                 WHERE site_id = p.site_id AND list_name = p.list_name
                 ORDER BY extracted_at DESC LIMIT 1) newest
          LEFT JOIN ingest.load_state ls ON ls.site_id = p.site_id AND ls.list_name = p.list_name
          LEFT JOIN ingest.snapshots loaded ON loaded.snapshot_id = ls.snapshot_id
        """;

    private sealed record FleetRow(
        string Ibge, string Name, DateTime? LastHeartbeatAt, string? LastOutcome, string? LastErrorCode, string? UploaderVersion, double? ClockSkewSeconds,
        DateTime? LastSnapshotAt, string? LastSnapshotStatus, string? LastSnapshotDelivery, long HeldSnapshots, string HeldLists, DateTime? HeldSince, DateTime? TokenRefusedAt, string? UnreportedRunsJson,
        string? UpdateState, string? UpdateVersion, string? UpdateReason, DateTime? UpdateReceivedAt);

    /// <summary>The snapshot's row as a load reads it, changing nothing; null for an unknown snapshot.</summary>
    public async Task<LoadTarget?> FindLoadTargetAsync(NpgsqlConnection connection, Guid snapshotId, CancellationToken ct, NpgsqlTransaction? transaction = null)
    {
        return ToTarget(await connection.QueryFirstOrDefaultAsync<TargetRow?>(new CommandDefinition(
            """
            SELECT status, site_id, list_name, blob_name, extracted_at, list_version, hold_released_at IS NOT NULL, received_at, delivery_kind, delivery_cursor
              FROM ingest.snapshots WHERE snapshot_id = @snapshotId
            """,
            new { snapshotId }, transaction, cancellationToken: ct)));
    }

    /// <summary>
    /// <see cref="StartLoadAsync(NpgsqlConnection, Guid, CancellationToken)"/> on a connection of its own, committed at
    /// once: the load's own transaction holds its slot and pair locks (transaction-level, ADR 0020) and commits only at
    /// the end, while "loading" and the attempt must be visible (status callers, the held-blob sweep) as the load starts.
    /// </summary>
    public async Task<LoadTarget?> StartLoadAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await StartLoadAsync(connection, snapshotId, ct);
    }

    /// <summary>
    /// received | queued | failed | loading → loading, counting the attempt (visible to status callers at once).
    /// Returns the row as it was before (status and what to load), null for an unknown snapshot; a snapshot in any other
    /// status (final, or held) is returned and left unchanged.
    /// </summary>
    public async Task<LoadTarget?> StartLoadAsync(NpgsqlConnection connection, Guid snapshotId, CancellationToken ct)
    {
        return ToTarget(await connection.QueryFirstOrDefaultAsync<TargetRow?>(new CommandDefinition(
            """
            WITH before AS (
                    SELECT status, site_id, list_name, blob_name, extracted_at, list_version, hold_released_at IS NOT NULL AS released, received_at,
                           delivery_kind, delivery_cursor
                      FROM ingest.snapshots WHERE snapshot_id = @snapshotId),
                 marked AS (
                    UPDATE ingest.snapshots SET status = @loading, attempts = attempts + 1, load_started_at = clock_timestamp()
                     WHERE snapshot_id = @snapshotId AND status = ANY(@from))
            SELECT * FROM before
            """,
            new { snapshotId, loading = SnapshotStatuses.Loading, from = SnapshotLifecycle.LoadableFrom.ToArray() }, cancellationToken: ct)));
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static LoadTarget? ToTarget(TargetRow? row) =>
        row is { } r ? new LoadTarget(r.Status, r.Site, r.List, r.Blob, Utc(r.ExtractedAt), r.Version, r.Released, Utc(r.ReceivedAt), r.DeliveryKind, r.Cursor) : null;

    /// <summary>
    /// loading → held: not applied; the would-be counts and the reason wait for an operator, and the blob is the copy
    /// at <paramref name="heldBlob"/> (kept until the decision).
    /// </summary>
    public Task RecordHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, SnapshotRowCounts wouldBe, string code, string reason, string heldBlob, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingest.snapshots
               SET status = @held, load_finished_at = clock_timestamp(), blob_name = @heldBlob,
                   rows_inserted = @Inserted, rows_updated = @Updated, rows_deleted = @Deleted, rows_unchanged = @Unchanged,
                   error_code = @code, error_detail = @reason
             WHERE snapshot_id = @snapshotId AND status = @loading
            """,
            new { snapshotId, held = SnapshotStatuses.Held, loading = SnapshotStatuses.Loading, wouldBe.Inserted, wouldBe.Updated, wouldBe.Deleted, wouldBe.Unchanged, code, reason, heldBlob },
            transaction, cancellationToken: ct));

    /// <summary>
    /// Whether a blob kept outside the lifecycle rule is still needed: its snapshot is held with that blob, or is being
    /// loaded (the load copies it there before it records the hold).
    /// </summary>
    public async Task<bool> NeedsHeldBlobAsync(Guid snapshotId, string blob, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (SELECT 1 FROM ingest.snapshots
                            WHERE snapshot_id = @snapshotId AND ((status = @held AND blob_name = @blob) OR status = @loading))
            """,
            new { snapshotId, blob, held = SnapshotStatuses.Held, loading = SnapshotStatuses.Loading }, cancellationToken: ct));
    }

    /// <summary>The blob of a held snapshot; null when the snapshot is not held.</summary>
    public async Task<string?> FindHeldBlobAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT blob_name FROM ingest.snapshots WHERE snapshot_id = @snapshotId AND status = @held",
            new { snapshotId, held = SnapshotStatuses.Held }, cancellationToken: ct));
    }

    /// <summary>
    /// held → queued by an operator, released from the guard, its blob now <paramref name="blob"/>. Returns the load
    /// reference to queue again, or null when the snapshot is not held (unknown, or already applied or dropped).
    /// </summary>
    public async Task<(string Site, string List, string Blob, DateTimeOffset ExtractedAt)?> ReleaseHoldAsync(Guid snapshotId, string blob, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var row = await connection.QueryFirstOrDefaultAsync<(string Site, string List, string Blob, DateTime ExtractedAt)?>(new CommandDefinition(
            """
            UPDATE ingest.snapshots SET status = @queued, hold_released_at = now(), error_code = NULL, error_detail = NULL, blob_name = @blob
             WHERE snapshot_id = @snapshotId AND status = @held
            RETURNING site_id, list_name, blob_name, extracted_at
            """,
            new { snapshotId, blob, queued = SnapshotStatuses.Queued, held = SnapshotStatuses.Held }, cancellationToken: ct));
        return row is { } r ? (r.Site, r.List, r.Blob, new DateTimeOffset(DateTime.SpecifyKind(r.ExtractedAt, DateTimeKind.Utc))) : null;
    }

    /// <summary>
    /// rejected → queued, for an operator's replay after the cause was fixed on the server. Snapshots an operator dropped
    /// stay rejected. False when the snapshot is not such a rejected one.
    /// </summary>
    public async Task<bool> ReopenRejectedAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingest.snapshots SET status = @queued, error_code = NULL, error_detail = NULL, load_finished_at = NULL
             WHERE snapshot_id = @snapshotId AND status = @rejected AND error_code IS DISTINCT FROM @dropped
            """,
            new { snapshotId, queued = SnapshotStatuses.Queued, rejected = SnapshotStatuses.Rejected, dropped = SnapshotErrorCodes.DroppedByOperator },
            cancellationToken: ct)) == 1;
    }

    /// <summary>held → rejected by an operator, its blob now <paramref name="blob"/>. False when the snapshot is not held.</summary>
    public async Task<bool> DropHeldAsync(Guid snapshotId, string blob, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingest.snapshots SET status = @rejected, error_code = @code, blob_name = @blob,
                   error_detail = 'Dropped by an operator while held: ' || coalesce(error_detail, '')
             WHERE snapshot_id = @snapshotId AND status = @held
            """,
            new { snapshotId, blob, rejected = SnapshotStatuses.Rejected, held = SnapshotStatuses.Held, code = SnapshotErrorCodes.DroppedByOperator },
            cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Deletes up to <paramref name="batch"/> of the oldest final snapshot records received before
    /// <paramref name="cutoff"/>, never a pair's loaded one (load_state names it: out-of-order snapshots are skipped
    /// against it) nor any record not final (held, queued, loading, failed…). Returns the count deleted.
    /// </summary>
    public async Task<int> DeleteOldFinalAsync(DateTimeOffset cutoff, int batch, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM ingest.snapshots s
             USING (SELECT o.snapshot_id FROM ingest.snapshots o
                     WHERE o.received_at < @cutoff AND o.status = ANY(@final)
                       AND NOT EXISTS (SELECT 1 FROM ingest.load_state ls WHERE ls.snapshot_id = o.snapshot_id)
                     ORDER BY o.received_at
                     LIMIT @batch
                     FOR UPDATE SKIP LOCKED) old
             WHERE s.snapshot_id = old.snapshot_id
            """,
            new { cutoff, batch, final = SnapshotLifecycle.Final.ToArray() }, cancellationToken: ct));
    }

    /// <summary>Snapshots waiting for an operator, oldest first.</summary>
    public async Task<IReadOnlyList<SnapshotStatusDto>> ReadHeldAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<SnapshotStatusRow>(new CommandDefinition(
            StatusSelect + " WHERE status = @held ORDER BY received_at",
            new { held = SnapshotStatuses.Held }, cancellationToken: ct))).Select(r => r.ToDto()).ToList();
    }

    /// <summary>Locks the snapshot's row for the load's transaction and returns its status (null when unknown).</summary>
    public Task<string?> LockForLoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT status FROM ingest.snapshots WHERE snapshot_id = @snapshotId FOR UPDATE", new { snapshotId }, transaction, cancellationToken: ct));

    /// <summary>The snapshot of the pair already loaded that was extracted at or after this one, if any.</summary>
    public Task<Guid?> FindNewerLoadedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, string site, string list, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(
            """
            SELECT ls.snapshot_id FROM ingest.load_state ls JOIN ingest.snapshots s ON s.snapshot_id = @snapshotId
             WHERE ls.site_id = @site AND ls.list_name = @list AND ls.extracted_at >= s.extracted_at
            """,
            new { snapshotId, site, list }, transaction, cancellationToken: ct));

    /// <summary>
    /// When the newest loaded snapshot of the pair has the same digest and is the same kind of delivery, its row count;
    /// otherwise null. The same bytes as another kind mean another thing: a whole snapshot equal to the last changes
    /// must still remove every row missing from it.
    /// </summary>
    public Task<long?> RowsIfSameAsLoadedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, string site, string list, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            """
            SELECT coalesce(prev.rows_inserted, 0) + coalesce(prev.rows_updated, 0) + coalesce(prev.rows_unchanged, 0)
              FROM ingest.load_state ls
              JOIN ingest.snapshots prev ON prev.snapshot_id = ls.snapshot_id
              JOIN ingest.snapshots cur ON cur.snapshot_id = @snapshotId
             WHERE ls.site_id = @site AND ls.list_name = @list AND cur.digest <> '' AND cur.digest = prev.digest
               AND cur.delivery_kind = prev.delivery_kind
            """,
            new { snapshotId, site, list }, transaction, cancellationToken: ct));

    /// <summary>
    /// The most rows the pair had after any snapshot loaded in the <paramref name="windowDays"/> days before this one was
    /// extracted, counting only from the pair's latest load an operator released from a hold (the operator accepted that
    /// level); null when none. Index probes on snapshots_site_list.
    /// </summary>
    public Task<long?> MaxLoadedRowsInWindowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, string site, string list, int windowDays, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            SELECT max(coalesce(s.rows_inserted, 0) + coalesce(s.rows_updated, 0) + coalesce(s.rows_unchanged, 0))
              FROM ingest.snapshots s
              JOIN ingest.snapshots cur ON cur.snapshot_id = @snapshotId
             WHERE s.site_id = @site AND s.list_name = @list AND s.status = @loaded
               AND s.extracted_at < cur.extracted_at
               AND s.extracted_at >= cur.extracted_at - make_interval(days => @windowDays)
               AND s.extracted_at >= coalesce(
                    (SELECT max(r.extracted_at) FROM ingest.snapshots r
                      WHERE r.site_id = @site AND r.list_name = @list AND r.status = @loaded AND r.hold_released_at IS NOT NULL),
                    '-infinity')
            """,
            new { snapshotId, site, list, windowDays, loaded = SnapshotStatuses.Loaded }, transaction, cancellationToken: ct));

    /// <summary>
    /// loading → loaded, and the snapshot becomes the pair's loaded one (what older snapshots are skipped against) unless
    /// a later one is loaded already: only an append delivery, never skipped as older, loads after a later one.
    /// </summary>
    public async Task RecordLoadedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, SnapshotRowCounts rows, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.load_state (site_id, list_name, snapshot_id, extracted_at, loaded_at)
            SELECT site_id, list_name, snapshot_id, extracted_at, now() FROM ingest.snapshots WHERE snapshot_id = @snapshotId
            ON CONFLICT (site_id, list_name) DO UPDATE
               SET snapshot_id = EXCLUDED.snapshot_id, extracted_at = EXCLUDED.extracted_at, loaded_at = EXCLUDED.loaded_at
             WHERE ingest.load_state.extracted_at <= EXCLUDED.extracted_at
            """,
            new { snapshotId }, transaction, cancellationToken: ct));
        await FinishAsync(connection, transaction, snapshotId, SnapshotOutcome.Loaded(rows), ct);
    }

    /// <summary>
    /// Drops the pair's held digest (ingest.held_digests, functions/Loading/HeldDigests.cs): a replay re-applies older
    /// deliveries, so the next unchanged delivery of the pair is refused and a full one follows (docs/adr/0024).
    /// </summary>
    public async Task ForgetHeldDigestAsync(string site, string list, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ingest.held_digests WHERE site_id = @site AND list_name = @list", new { site, list }, cancellationToken: ct));
    }

    /// <summary>
    /// Whether another delivery of the pair may still change it (one received, queued, loading, failed or held), or one
    /// extracted at or after <paramref name="extractedAt"/> is loaded already: an unchanged delivery is then refused.
    /// </summary>
    public Task<bool> PairBusyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, string list, DateTimeOffset extractedAt, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (SELECT 1 FROM ingest.snapshots WHERE site_id = @site AND list_name = @list AND status <> ALL(@final))
                OR EXISTS (SELECT 1 FROM ingest.load_state WHERE site_id = @site AND list_name = @list AND extracted_at >= @extractedAt)
            """,
            new { site, list, extractedAt, final = SnapshotLifecycle.Final.ToArray() }, transaction, cancellationToken: ct));

    /// <summary>
    /// (none) → loaded: an unchanged delivery the backend honoured, recorded as a snapshot that wrote nothing (delivery kind
    /// <see cref="DeliveryKinds.Unchanged"/>, no blob, no content digest, 0 bytes) and made the pair's loaded one. False
    /// when the id is already recorded.
    /// </summary>
    public async Task<bool> RecordUnchangedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewSnapshot snapshot, long rows, CancellationToken ct)
    {
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, user_agent, list_version, status,
                                          delivery_kind, load_started_at, load_finished_at, rows_inserted, rows_updated, rows_deleted, rows_unchanged)
            VALUES (@SnapshotId, @Site, @List, '', '', 0, @ExtractedAt, @userAgent, @ListVersion, @loaded, @DeliveryKind, now(), clock_timestamp(), 0, 0, 0, @rows)
            ON CONFLICT (snapshot_id) DO NOTHING
            """,
            new
            {
                snapshot.SnapshotId,
                snapshot.Site,
                snapshot.List,
                snapshot.ExtractedAt,
                snapshot.ListVersion,
                snapshot.DeliveryKind,
                userAgent = snapshot.UserAgent is { Length: > 200 } agent ? agent[..200] : snapshot.UserAgent,
                loaded = SnapshotStatuses.Loaded,
                rows,
            },
            transaction, cancellationToken: ct));
        if (inserted == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.load_state (site_id, list_name, snapshot_id, extracted_at, loaded_at)
            VALUES (@Site, @List, @SnapshotId, @ExtractedAt, now())
            ON CONFLICT (site_id, list_name) DO UPDATE
               SET snapshot_id = EXCLUDED.snapshot_id, extracted_at = EXCLUDED.extracted_at, loaded_at = EXCLUDED.loaded_at
             WHERE ingest.load_state.extracted_at <= EXCLUDED.extracted_at
            """,
            new { snapshot.Site, snapshot.List, snapshot.SnapshotId, snapshot.ExtractedAt }, transaction, cancellationToken: ct));
        return true;
    }

    /// <summary>Any status but a final one → the outcome's, on a connection of its own (the load's may be broken).</summary>
    public async Task FinishAsync(Guid snapshotId, SnapshotOutcome outcome, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await FinishAsync(connection, null, snapshotId, outcome, ct);
    }

    /// <summary>Any status but a final one → the outcome's, inside the load's transaction.</summary>
    public Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid snapshotId, SnapshotOutcome outcome, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingest.snapshots
               SET status = @status, load_finished_at = clock_timestamp(),
                   rows_inserted = @inserted, rows_updated = @updated, rows_deleted = @deleted, rows_unchanged = @unchanged,
                   error_code = @code, error_detail = @detail
             WHERE snapshot_id = @snapshotId AND status <> ALL(@final)
            """,
            new
            {
                snapshotId,
                status = outcome.Status,
                inserted = outcome.Rows?.Inserted,
                updated = outcome.Rows?.Updated,
                deleted = outcome.Rows?.Deleted,
                unchanged = outcome.Rows?.Unchanged,
                code = outcome.Code,
                detail = outcome.Reason,
                final = SnapshotLifecycle.Final.ToArray(),
            },
            transaction, cancellationToken: ct));

    private static Task<int> InsertAsync(NpgsqlConnection connection, NewSnapshot snapshot, string status, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, user_agent, list_version, status, queue_claimed_at,
                                          delivery_kind, delivery_cursor)
            VALUES (@SnapshotId, @Site, @List, @BlobName, @Digest, @CompressedBytes, @ExtractedAt, @userAgent, @ListVersion, @status,
                    CASE WHEN @status = @received THEN now() END, @DeliveryKind, @Cursor)
            ON CONFLICT (snapshot_id) DO NOTHING
            """,
            new
            {
                snapshot.SnapshotId,
                snapshot.Site,
                snapshot.List,
                snapshot.BlobName,
                snapshot.Digest,
                snapshot.CompressedBytes,
                snapshot.ExtractedAt,
                snapshot.ListVersion,
                snapshot.DeliveryKind,
                snapshot.Cursor,
                userAgent = snapshot.UserAgent is { Length: > 200 } agent ? agent[..200] : snapshot.UserAgent,
                status,
                received = SnapshotStatuses.Received,
            },
            cancellationToken: ct));
}
