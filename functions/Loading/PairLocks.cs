using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace PecLists.Functions.Loading;

/// <summary>
/// One load per (site, list) at a time, across every instance: a transaction-level advisory lock per pair, only ever
/// tried, never waited for, held by the load's transaction (as its slot is: <see cref="LoadSlots"/>, ADR 0020). A load
/// that finds its pair busy rolls its transaction back, which gives its slot back, and is deferred, so duplicates of one
/// site's snapshot cannot fill every load slot while they wait (issue 12). The lock ends with the transaction: commit,
/// rollback, or the server ending the session of a client that vanished.
/// </summary>
public static class PairLocks
{
    /// <summary>A stable 64-bit key for a (site, list) pair (the single-bigint key space, apart from the slots' two-int one).</summary>
    public static long Key(string site, string list) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"load:{site}:{list}")), 0);

    /// <summary>True when <paramref name="transaction"/> now holds the pair's lock (until it ends).</summary>
    public static Task<bool> TryAcquireAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, string list, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_xact_lock(@key)", new { key = Key(site, list) }, transaction, cancellationToken: ct));
}
