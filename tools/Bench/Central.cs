using Npgsql;

namespace Bench;

/// <summary>Small helpers for timing a step against the central database and measuring the WAL it wrote.</summary>
public static class Central
{
    public static async Task ExecAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Checkpoints first (so every case starts with the same full-page-write state), then times the step.</summary>
    public static async Task<Measurement> MeasureAsync(LocalInfra.PostgresServer server, NpgsqlConnection central, Func<Task> step)
    {
        await ExecAsync(central, "CHECKPOINT");
        var before = await ScalarAsync<string>(central, "SELECT pg_current_wal_insert_lsn()::text");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await step();
        clock.Stop();
        var after = await ScalarAsync<string>(central, "SELECT pg_current_wal_insert_lsn()::text");
        var wal = await ScalarAsync<decimal>(central, $"SELECT pg_wal_lsn_diff('{after}', '{before}')");

        // pg_waldump reads only what is on disk: an end LSN that is inserted but not yet flushed fails with "invalid
        // record length … wanted 24, got 0". A transaction that takes an xid writes a commit record and, with
        // synchronous_commit on, flushes everything before it; wait until the flush position has passed our end.
        await ScalarAsync<long>(central, "SELECT txid_current()");
        for (var i = 0; i < 100 && !await ScalarAsync<bool>(central, $"SELECT pg_current_wal_flush_lsn() >= '{after}'::pg_lsn"); i++)
        {
            await Task.Delay(50);
        }

        var (_, fpi) = wal > 0 ? await server.WalStatsAsync(before, after) : (0, 0);
        return new Measurement(clock.Elapsed.TotalSeconds, (long)wal, fpi);
    }
}
