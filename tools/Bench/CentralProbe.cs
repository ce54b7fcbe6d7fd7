using System.Diagnostics;
using Npgsql;

namespace Bench;

/// <summary>
/// The "other routines" on the central database: a fixed read query (an indexed lookup and aggregate over a table no
/// load touches) replayed every 50 ms, and a sampler of pg_stat_activity and the load slots every 100 ms. Its own
/// sessions are named bench-* and left out of the session counts.
/// </summary>
public sealed class CentralProbe
{
    private const string Query = "SELECT count(*), sum(valor) FROM probe_atendimentos WHERE equipe = $1 AND dt >= date '2025-01-01'";

    // Legacy loads are the postgres_fdw sessions inside a transaction; ours are the load slots held (LoadSlots' advisory locks).
    private const string Sample =
        """
        SELECT count(*)::int,
               (count(*) FILTER (WHERE state <> 'idle'))::int,
               (count(*) FILTER (WHERE application_name = 'postgres_fdw' AND state <> 'idle'))::int,
               (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 6669 AND objsubid = 2 AND granted)::int
          FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name NOT LIKE 'bench-%'
        """;

    private readonly string _connectionString;

    public CentralProbe(string centralConnection) => _connectionString = centralConnection;

    /// <summary>Fills the probe's table once: 500,000 rows, 500 teams, an index on (team, date).</summary>
    public static async Task CreateTableAsync(NpgsqlConnection central)
    {
        await Central.ExecAsync(central,
            """
            CREATE TABLE probe_atendimentos AS
              SELECT g AS id, g % 500 AS equipe, date '2024-01-01' + (g % 700) AS dt, g % 97 AS valor FROM generate_series(1, 500000) g;
            CREATE INDEX ON probe_atendimentos (equipe, dt);
            """);
        await Central.ExecAsync(central, "VACUUM ANALYZE probe_atendimentos");
    }

    /// <summary>Probes until <paramref name="until"/> completes (or for <paramref name="idle"/> when given).</summary>
    public async Task<ProbeStats> RunAsync(Func<CancellationToken, Task>? until, TimeSpan idle = default)
    {
        using var stop = new CancellationTokenSource();
        var latencies = new List<double>();
        var peaks = new int[4];
        var probe = ProbeThreadAsync(latencies, stop.Token);
        var sampler = Task.Run(() => SampleLoopAsync(peaks, stop.Token));
        try
        {
            if (until is null)
            {
                await Task.Delay(idle);
            }
            else
            {
                await until(stop.Token);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(probe, sampler);
        }

        return new ProbeStats(
            latencies.Count, Percentile.Of(latencies, 50), Percentile.Of(latencies, 95), Percentile.Of(latencies, 99),
            latencies.Count == 0 ? double.NaN : latencies.Max(), peaks[0], peaks[1], Math.Max(peaks[2], peaks[3]));
    }

    private NpgsqlConnection Open(string name) =>
        new(new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = name, Pooling = false }.ConnectionString);

    /// <summary>
    /// The probe's own thread, synchronous, so that the thread timing a query is the one the reply wakes. It asks for
    /// real-time priority and leaves any low-weight cgroup the benchmark put this process in (cpu-fence.sh): the
    /// latency measured is then the database's, not how long a busy client took to get a CPU back. Without root it runs
    /// at normal priority and says so.
    /// </summary>
    private Task ProbeThreadAsync(List<double> latencies, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ProbeLoop(latencies, ct);
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "central probe" };
        thread.Start();
        return done.Task;
    }

    private void ProbeLoop(List<double> latencies, CancellationToken ct)
    {
        ProbePriority.Raise();
        using var connection = Open("bench-probe");
        connection.Open();
        using var command = new NpgsqlCommand(Query, connection) { CommandTimeout = 0 };
        var team = new NpgsqlParameter<int> { TypedValue = 0 };
        command.Parameters.Add(team);
        command.Prepare();
        for (var i = 0; !ct.IsCancellationRequested && i < 1_000_000; i++)
        {
            team.TypedValue = i * 37 % 500;
            var clock = Stopwatch.StartNew();
            command.ExecuteScalar();
            lock (latencies)
            {
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }

            // The pace of the probe (one query every 50 ms), ended early by the window's end.
            ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Max(0, 50 - clock.Elapsed.TotalMilliseconds)));
        }
    }

    private async Task SampleLoopAsync(int[] peaks, CancellationToken ct)
    {
        await using var connection = Open("bench-sampler");
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(Sample, connection) { CommandTimeout = 0 };
        for (var i = 0; !ct.IsCancellationRequested && i < 1_000_000; i++)
        {
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
            {
                await reader.ReadAsync(CancellationToken.None);
                for (var c = 0; c < peaks.Length; c++)
                {
                    peaks[c] = Math.Max(peaks[c], reader.GetInt32(c));
                }
            }

            await DelayQuietly(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // The window ended.
        }
    }
}
