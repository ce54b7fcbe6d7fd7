using Dapper;
using PecLists.Contracts;
using Npgsql;

namespace PecLists.Functions.Snapshots;

/// <summary>
/// The one owner of ingest.list_cursors: per (site, list) of an incremental list, the backend's acknowledged cursor
/// (the <c>X-Cursor</c> of the delivery that set it, that snapshot and when it loaded) and when the latest key set
/// loaded. Written only inside a load's transaction, so a cursor is acknowledged exactly when its rows are committed;
/// it never goes backwards (docs/adr/0022-list-definitions-beyond-one-query.md).
/// </summary>
public sealed class ListCursors(NpgsqlDataSource database)
{
    /// <summary>What GET /api/v1/lists/{list}/cursor answers the site: all null but the list when nothing was acknowledged.</summary>
    public async Task<ListCursorDto> ReadAsync(string site, string list, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var row = await connection.QueryFirstOrDefaultAsync<(string? Cursor, Guid? SnapshotId, DateTime? LoadedAt, DateTime? KeySetAt)?>(new CommandDefinition(
            "SELECT cursor, snapshot_id, loaded_at, keyset_at FROM ingest.list_cursors WHERE site_id = @site AND list_name = @list",
            new { site, list }, cancellationToken: ct));
        return row is { } r
            ? new ListCursorDto(list, r.Cursor, r.SnapshotId, Utc(r.LoadedAt), Utc(r.KeySetAt))
            : new ListCursorDto(list, null, null, null, null);
    }

    /// <summary>
    /// Inside the load of <paramref name="snapshotId"/>, before it commits: its <paramref name="cursor"/> becomes the
    /// acknowledged one unless that is higher (compared as values of <paramref name="cursorType"/>, the cursor column's
    /// type in the version it was loaded with), and a key set's load time is kept (a whole snapshot with a cursor counts as
    /// a key set). Nothing for a delivery that carries
    /// neither. The caller holds the (site, list) load lock; the row lock orders this against any other writer.
    /// </summary>
    public async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string site, string list, Guid snapshotId, string deliveryKind, string? cursor, string? cursorType, CancellationToken ct)
    {
        // A whole snapshot of an incremental list (the one that carries a cursor) removed every row missing from it, as a
        // key set does: it counts as one, so the run after a first snapshot does not send a key set at once (ADR 0022).
        var keySet = deliveryKind == DeliveryKinds.KeySet || (deliveryKind == DeliveryKinds.Snapshot && cursor is not null);
        if (cursor is null && !keySet)
        {
            return;
        }

        CommandDefinition Command(string sql) => new(sql, new { site, list, snapshotId, cursor }, transaction, cancellationToken: ct);
        await connection.ExecuteAsync(Command(
            "INSERT INTO ingest.list_cursors (site_id, list_name) VALUES (@site, @list) ON CONFLICT (site_id, list_name) DO NOTHING"));
        var current = await connection.ExecuteScalarAsync<string?>(Command(
            "SELECT cursor FROM ingest.list_cursors WHERE site_id = @site AND list_name = @list FOR UPDATE"));
        if (cursor is not null && CursorValues.MayReplace(cursorType, cursor, current))
        {
            await connection.ExecuteAsync(Command(
                "UPDATE ingest.list_cursors SET cursor = @cursor, snapshot_id = @snapshotId, loaded_at = now() WHERE site_id = @site AND list_name = @list"));
        }

        if (keySet)
        {
            await connection.ExecuteAsync(Command(
                "UPDATE ingest.list_cursors SET keyset_snapshot_id = @snapshotId, keyset_at = now() WHERE site_id = @site AND list_name = @list"));
        }
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
