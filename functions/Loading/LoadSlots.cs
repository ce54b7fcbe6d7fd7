using Dapper;
using Npgsql;

namespace PecLists.Functions.Loading;

/// <summary>
/// A hard cap on loads running against the central database, whatever the number of Function instances and whether
/// the app reaches PostgreSQL directly or through a transaction pooler (PgBouncer, ADR 0020): N transaction-level
/// advisory locks in PostgreSQL itself. A load runs in one transaction that holds its slot from the first statement to
/// its commit or rollback.
/// </summary>
/// <remarks>
/// Transaction-level, not session-level: through PgBouncer in transaction mode a session outlives the client's
/// transaction on another client's behalf, so a session lock would be held by whichever client the pooler hands the
/// server connection to next, and an unlock could run on a different server connection than the lock
/// (https://www.pgbouncer.org/features.html, "SQL feature map for pooling modes": session-level advisory locks are
/// "Never" in transaction pooling). A transaction-level lock ends with its transaction, however that ends: commit,
/// rollback, a cancelled statement followed by the rollback, or the server ending the session
/// (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS). Nothing is ever given back by hand.
/// </remarks>
public static class LoadSlots
{
    /// <summary>Advisory-lock namespace of the slots (first key of the two-int form).</summary>
    public const int Namespace = 0x1A0D;

    /// <summary>
    /// Takes a free slot for <paramref name="transaction"/>, or returns null when all <paramref name="slots"/> are busy.
    /// The slot is held until the transaction ends.
    /// </summary>
    public static async Task<int?> TryAcquireAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int slots, CancellationToken ct)
    {
        // Random start so instances do not all contend for slot 0 first. No ORDER BY: the filter runs row by row
        // and LIMIT 1 stops at the first lock won, so at most one slot is taken.
        var start = Random.Shared.Next(slots);
        return await connection.QueryFirstOrDefaultAsync<int?>(new CommandDefinition(
            """
            SELECT s FROM (SELECT (g + @start) % @slots AS s, g FROM generate_series(0, @slots - 1) g) o
             WHERE pg_try_advisory_xact_lock(@ns, o.s) LIMIT 1
            """,
            new { start, slots, ns = Namespace }, transaction, cancellationToken: ct));
    }
}
