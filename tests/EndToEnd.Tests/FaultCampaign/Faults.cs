using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>What the fault tests share: a pipeline tuned for short outages, and ways to cause and watch faults.</summary>
public static class Faults
{
    /// <summary>The host's visibility timeout in these tests: a failed delivery comes back after it.</summary>
    public static readonly TimeSpan Visibility = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The production shape, scaled down so an outage of seconds plays one of minutes: the host's 5 dequeues with a
    /// 2 s visibility timeout (the old budget: 5 × 2 s = 10 s, as 5 × 30 s = 2.5 min was in production) and the load
    /// function's own backed-off retries from 1 s doubling (10 retries ≈ 17 min, as 30 s doubling is ≈ 2.5 h).
    /// Azurite keeps its data on disk so it can be stopped and started again.
    /// </summary>
    public static LocalPipelineOptions Options()
    {
        var options = new LocalPipelineOptions { StorageOnDisk = true, UploadMaxAttempts = 3, UploadFirstRetryDelaySeconds = 0.5 };
        options.WithQueueRetries(5, Visibility);
        options.FunctionsEnvironment["Load__TransientRetryFirstDelaySeconds"] = "1";
        options.FunctionsEnvironment["Load__DeferSeconds"] = "1";
        // The wait for a free slot inside the invocation, scaled down with the rest (25 s in production, ADR 0028).
        options.FunctionsEnvironment["Load__SlotWaitSeconds"] = "2";
        // A load waiting on a lock held by a test waits for as long as the test needs.
        options.FunctionsEnvironment["Load__LockTimeoutSeconds"] = "120";
        // 503 dependency-unavailable asks the uploader to come back in 1 s rather than 30 s.
        options.FunctionsEnvironment["Ingest__UnavailableRetryAfterSeconds"] = "1";
        return options;
    }

    /// <summary>
    /// Changes the source as a day of work does: a new phone for one person in ten, one in fifty dies (leaves the
    /// list). Small enough to stay under the mass-deletion guard.
    /// </summary>
    public static async Task ChurnSourceAsync(LocalPipeline pipeline, Municipality site, int round)
    {
        await using var connection = new NpgsqlConnection(pipeline.Municipal.ConnectionString(site.Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE tb_fat_cidadao_pec SET nu_telefone_celular = '(61) 9' || lpad(((co_seq_fat_cidadao_pec + {round}) % 10000)::text, 4, '0') || '-{round:D4}'
             WHERE co_seq_fat_cidadao_pec % 10 = {round % 10};
            UPDATE tb_fat_cidadao_pec SET st_faleceu = 1 WHERE co_seq_fat_cidadao_pec % 50 = {(round + 25) % 50};
            """,
            connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A load's merge waiting on a lock at its DELETE (pg_stat_activity): the plain statement, or the one that keeps the
    /// held digest from the rows it removes (<c>WITH ingest_rows AS (DELETE … RETURNING …)</c>, MergeSql.DeleteDigest).
    /// </summary>
    public const string MergeDeleteWaitingOnLock = "wait_event_type = 'Lock' AND (query LIKE 'DELETE%' OR query LIKE 'WITH ingest_rows AS (DELETE%')";

    /// <summary>Waits until a central session matches <paramref name="where"/> (SQL over pg_stat_activity), returning its pid.</summary>
    public static async Task<int> WaitForSessionAsync(LocalPipeline pipeline, string where, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(pipeline.Central.ConnectionString("central"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT pid FROM pg_stat_activity WHERE datname = 'central' AND pid <> pg_backend_pid() AND ({where}) LIMIT 1", connection);
        var pid = await Eventually.UntilAsync<int?>(
            async () => await command.ExecuteScalarAsync() as int?, found => found is not null, timeout, $"a central session where {where}",
            TimeSpan.FromMilliseconds(5), _ => "no such session", () => pipeline.FunctionsLog);
        return pid!.Value;
    }

    /// <summary>Holds a SHARE lock on a list table: loads read it, but every write (the merge) waits until the lock goes.</summary>
    public static async Task<NpgsqlTransaction> HoldWritesAsync(NpgsqlConnection connection, string list)
    {
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"LOCK TABLE lists.{list} IN SHARE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return transaction;
    }

    /// <summary>The snapshots waiting in a site's spool (complete files; the name is the snapshot id).</summary>
    public static IReadOnlyList<string> SpooledFiles(Municipality site) =>
        Directory.Exists(site.SpoolDirectory)
            ? [.. Directory.GetFiles(site.SpoolDirectory, "*.csv.gz", SearchOption.AllDirectories).Where(f => !f.Contains("quarantine", StringComparison.Ordinal))]
            : [];

    public static Guid SnapshotIdOf(string spooledFile) => Guid.ParseExact(Path.GetFileName(spooledFile)[..^".csv.gz".Length], "D");

    /// <summary>PUTs a spooled snapshot file under its own id, once (no retry), returning the status code.</summary>
    public static async Task<int> PutOnceAsync(SnapshotPutClient client, Municipality site, string list, string file) =>
        (await client.PutAsync(site.Token, list, await File.ReadAllBytesAsync(file), SnapshotIdOf(file), maxAttempts: 1)).Status;
}
