using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using Npgsql;

namespace PecLists.Functions.Loading;

/// <summary>
/// The one owner of ingest.held_digests: the <see cref="RowsDigest"/> of what central holds per (site, list) of a
/// snapshot-mode list, computed from the central rows in the load's own transaction after it wrote them (a separate
/// read after the merge, never part of it), and dropped whenever central may no longer hold it: another kind of
/// delivery, a held snapshot, a replay, a restore detected by <see cref="StillHeldAsync"/>
/// (docs/adr/0024-unchanged-deliveries.md).
/// </summary>
public static class HeldDigests
{
    /// <summary>
    /// Computes the digest of the site's rows as <paramref name="list"/> reads them and records it for the pair, inside
    /// the load's transaction: it commits with the rows it describes or not at all.
    /// </summary>
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, ListDefinition list, Guid snapshotId, CancellationToken ct)
    {
        var (rows, high, low) = await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition(
            RowsDigestSql.For(list), new { site }, transaction, commandTimeout: 0, cancellationToken: ct));
        await RecordAsync(connection, transaction, site, list, snapshotId, DigestTerms.FromSql(rows, high, low), ct);
    }

    /// <summary>
    /// Records <paramref name="digest"/>, already known (the held one kept up to date by the load's writes), as what
    /// central holds after <paramref name="snapshotId"/>: no read of the site's rows.
    /// </summary>
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, ListDefinition list, Guid snapshotId, DigestTerms digest, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.held_digests (site_id, list_name, list_version, rows, rows_digest, table_filenode, snapshot_id, full_received_at, computed_at)
            SELECT @site, @list, @version, @rows, @digest, pg_relation_filenode(@table::regclass), @snapshotId, s.received_at, now()
              FROM ingest.snapshots s WHERE s.snapshot_id = @snapshotId
            ON CONFLICT (site_id, list_name) DO UPDATE
               SET list_version = EXCLUDED.list_version, rows = EXCLUDED.rows, rows_digest = EXCLUDED.rows_digest,
                   table_filenode = EXCLUDED.table_filenode, snapshot_id = EXCLUDED.snapshot_id,
                   full_received_at = EXCLUDED.full_received_at, computed_at = EXCLUDED.computed_at
            """,
            new { site, list = list.Name, version = list.Version, rows = digest.Rows, digest = digest.Value, table = list.TableName, snapshotId },
            transaction, cancellationToken: ct));
    }

    /// <summary>
    /// The pair's held digest when a load may keep it up to date instead of recomputing it: held for this very list
    /// version, central still holding what it was computed from (<see cref="StillHeldAsync(NpgsqlConnection, NpgsqlTransaction, string, ListDefinition, HeldDigest, CancellationToken)"/>),
    /// well formed. Null whenever in doubt: the load then recomputes it from the rows.
    /// </summary>
    public static async Task<DigestTerms?> KeepableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, ListDefinition list, CancellationToken ct) =>
        await FindAsync(connection, transaction, site, list.Name, ct) is { } held && held.ListVersion == list.Version
        && await StillHeldAsync(connection, transaction, site, list, held, ct)
            ? DigestTerms.Parse(held.Rows, held.RowsDigest)
            : null;

    /// <summary>Drops the pair's digest: the next unchanged delivery is refused and a full one follows.</summary>
    public static Task ForgetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string site, string list, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ingest.held_digests WHERE site_id = @site AND list_name = @list", new { site, list }, transaction, cancellationToken: ct));

    /// <summary>The pair's digest, its row locked until the transaction ends; null when none is held.</summary>
    public static async Task<HeldDigest?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, string list, CancellationToken ct)
    {
        var row = await connection.QueryFirstOrDefaultAsync<(int Version, long Rows, string Digest, uint Filenode, Guid SnapshotId, DateTime FullReceivedAt)?>(new CommandDefinition(
            """
            SELECT list_version, rows, rows_digest, table_filenode, snapshot_id, full_received_at
              FROM ingest.held_digests WHERE site_id = @site AND list_name = @list FOR UPDATE
            """,
            new { site, list }, transaction, cancellationToken: ct));
        return row is { } r
            ? new HeldDigest(r.Version, r.Rows, r.Digest, r.Filenode, r.SnapshotId, new DateTimeOffset(DateTime.SpecifyKind(r.FullReceivedAt, DateTimeKind.Utc)))
            : null;
    }

    /// <summary>Whether the pair has a held digest that central still holds (<see cref="StillHeldAsync(NpgsqlConnection, NpgsqlTransaction, string, ListDefinition, HeldDigest, CancellationToken)"/>).</summary>
    public static async Task<bool> StillHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, ListDefinition list, CancellationToken ct) =>
        await FindAsync(connection, transaction, site, list.Name, ct) is { } held && held.ListVersion == list.Version
        && await StillHeldAsync(connection, transaction, site, list, held, ct);

    /// <summary>
    /// Whether central still holds what <paramref name="held"/> was computed from, cheaply: the table's file node is the
    /// same (a TRUNCATE, a dropped and restored table, a VACUUM FULL give it another) and the site has the same number of
    /// rows (an index-only count on the primary key's leading site_id). A hand edit that keeps both is not seen: the
    /// forced periodic full delivery bounds how long it can last.
    /// </summary>
    public static async Task<bool> StillHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, ListDefinition list, HeldDigest held, CancellationToken ct)
    {
        var (filenode, rows) = await connection.QuerySingleAsync<(uint, long)>(new CommandDefinition(
            $"SELECT pg_relation_filenode(@table::regclass), (SELECT count(*) FROM {list.TableName} WHERE site_id = @site)",
            new { table = list.TableName, site }, transaction, cancellationToken: ct));
        return filenode == held.TableFilenode && rows == held.Rows;
    }
}
