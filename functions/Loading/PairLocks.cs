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

    public static Task<bool> TryAcquireAsync(NpgsqlConnection connection, string site, string list, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key = Key(site, list) }, cancellationToken: ct));

    public static async Task ReleaseAsync(NpgsqlConnection connection, string site, string list)
    {
        if (connection.FullState == System.Data.ConnectionState.Open)
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = Key(site, list) });
        }
    }
}
