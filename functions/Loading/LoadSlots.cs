using Dapper;
using Npgsql;

namespace PecLists.Functions.Loading;

/// <summary>
/// A hard cap on loads running against the central database, whatever the number of Function instances:
/// N session-level advisory locks in PostgreSQL itself. A load holds one slot for its whole duration.
/// </summary>
public static class LoadSlots
{
    /// <summary>Advisory-lock namespace of the slots (first key of the two-int form).</summary>
    public const int Namespace = 0x1A0D;

    /// <summary>Takes a free slot on this connection, or returns null when all <paramref name="slots"/> are busy.</summary>
    /// <remarks>
    /// A session-level advisory lock outlives the statement that took it, even one that was cancelled or failed after
    /// taking it (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS). So when the query does
    /// not come back with its answer (cancelled between taking a slot and reading which, timed out, failed), any slot
    /// this session holds is given back before the exception leaves: otherwise the pooled connection would keep it
    /// until it is reused (Npgsql's reset sends DISCARD ALL only then) or pruned.
    /// </remarks>
    public static async Task<int?> TryAcquireAsync(NpgsqlConnection connection, int slots, CancellationToken ct)
    {
        // Random start so instances do not all contend for slot 0 first. No ORDER BY: the filter runs row by row
        // and LIMIT 1 stops at the first lock won, so at most one slot is taken.
        var start = Random.Shared.Next(slots);
        try
        {
            return await connection.QueryFirstOrDefaultAsync<int?>(new CommandDefinition(
                """
                SELECT s FROM (SELECT (g + @start) % @slots AS s, g FROM generate_series(0, @slots - 1) g) o
                 WHERE pg_try_advisory_lock(@ns, o.s) LIMIT 1
                """,
                new { start, slots, ns = Namespace }, cancellationToken: ct));
        }
        catch
        {
            await ReleaseHeldAsync(connection);
            throw;
        }
    }

    public static async Task ReleaseAsync(NpgsqlConnection connection, int slot)
    {
        if (connection.FullState == System.Data.ConnectionState.Open)
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@ns, @slot)", new { ns = Namespace, slot });
        }
    }

    /// <summary>
    /// Gives back whatever slot this session holds, known or not (pg_locks shows a two-int key as classid, objid and
    /// objsubid 2). Best effort: on a broken connection the session itself is ending, and its locks with it.
    /// </summary>
    private static async Task ReleaseHeldAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await connection.ExecuteAsync(
                """
                SELECT pg_advisory_unlock(l.classid::int, l.objid::int) FROM pg_locks l
                 WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objsubid = 2 AND l.classid = @ns::oid AND l.granted
                """,
                new { ns = Namespace });
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The connection failed too: it is broken now, and PostgreSQL frees the session's locks as it ends.
        }
    }
}
