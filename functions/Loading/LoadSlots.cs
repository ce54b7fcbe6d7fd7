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
    public static async Task<int?> TryAcquireAsync(NpgsqlConnection connection, int slots, CancellationToken ct)
    {
        // Random start so instances do not all contend for slot 0 first. No ORDER BY: the filter runs row by row
        // and LIMIT 1 stops at the first lock won, so at most one slot is taken.
        var start = Random.Shared.Next(slots);
        return await connection.QueryFirstOrDefaultAsync<int?>(new CommandDefinition(
            """
            SELECT s FROM (SELECT (g + @start) % @slots AS s, g FROM generate_series(0, @slots - 1) g) o
             WHERE pg_try_advisory_lock(@ns, o.s) LIMIT 1
            """,
            new { start, slots, ns = Namespace }, cancellationToken: ct));
    }

    public static async Task ReleaseAsync(NpgsqlConnection connection, int slot)
    {
        if (connection.FullState == System.Data.ConnectionState.Open)
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@ns, @slot)", new { ns = Namespace, slot });
        }
    }
}
