using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace PecLists.Functions.Loading;

/// <summary>
/// One load per (site, list) at a time, across every instance: a session-level advisory lock per pair, only ever
/// tried, never waited for. A load that finds its pair busy gives its slot back and is deferred, so duplicates of
/// one site's snapshot cannot fill every load slot while they wait (issue 12). The lock lives as long as the session:
/// released in <c>finally</c>, or by PostgreSQL when the connection dies (TCP keepalives detect a vanished client).
/// </summary>
public static class PairLocks
{
    /// <summary>A stable 64-bit key for a (site, list) pair (the single-bigint key space, apart from the slots' two-int one).</summary>
    public static long Key(string site, string list) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"load:{site}:{list}")), 0);

    /// <summary>
    /// True when this session now holds the pair's lock. When the query does not come back with its answer (cancelled
    /// after the lock was taken, timed out, failed), the lock is given back if this session holds it before the exception
    /// leaves, as <see cref="LoadSlots.TryAcquireAsync"/> does for its slot: a session-level advisory lock outlives the
    /// statement that took it.
    /// </summary>
    public static async Task<bool> TryAcquireAsync(NpgsqlConnection connection, string site, string list, CancellationToken ct)
    {
        var key = Key(site, list);
        try
        {
            return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key }, cancellationToken: ct));
        }
        catch
        {
            await ReleaseIfHeldAsync(connection, key);
            throw;
        }
    }

    public static async Task ReleaseAsync(NpgsqlConnection connection, string site, string list)
    {
        if (connection.FullState == System.Data.ConnectionState.Open)
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = Key(site, list) });
        }
    }

    /// <summary>Unlocks the key only if this session holds it (pg_locks shows a bigint key as its two halves, objsubid 1); best effort.</summary>
    private static async Task ReleaseIfHeldAsync(NpgsqlConnection connection, long key)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await connection.ExecuteAsync(
                """
                SELECT pg_advisory_unlock(@key) FROM pg_locks l
                 WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objsubid = 1 AND l.granted
                   AND ((l.classid::bigint << 32) | l.objid::bigint) = @key
                """,
                new { key });
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The connection failed too: it is broken now, and PostgreSQL frees the session's locks as it ends.
        }
    }
}
