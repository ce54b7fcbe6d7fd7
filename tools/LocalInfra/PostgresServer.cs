using System.Globalization;
using Npgsql;

namespace LocalInfra;

/// <summary>
/// A throwaway PostgreSQL cluster on a free loopback port, in a temporary directory deleted on dispose.
/// As root it runs initdb/postgres through <c>runuser -u postgres</c> (initdb refuses root).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _binDirectory;
    private readonly string _directory;
    private readonly bool _asPostgresUser;

    private PostgresServer(string binDirectory, string directory, int port, bool asPostgresUser)
    {
        _binDirectory = binDirectory;
        _directory = directory;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_directory, "data");

    public string BinDirectory => _binDirectory;

    public string LogFile => Path.Combine(_directory, "postgres.log");

    public string ConnectionString(string database = "postgres", string user = "postgres", string? password = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = user,
            Password = password,
            Pooling = true,
        }.ConnectionString;

    /// <summary>Starts a cluster. <paramref name="durable"/> keeps fsync on (benchmarks); tests turn it off.</summary>
    public static async Task<PostgresServer> StartAsync(
        string? binDirectory = null,
        bool durable = false,
        IReadOnlyDictionary<string, string>? settings = null,
        CancellationToken cancellationToken = default)
    {
        var bin = binDirectory ?? FindBinDirectory();
        var asPostgres = Environment.UserName == "root" || string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal);
        var directory = Directory.CreateTempSubdirectory("pg-").FullName;
        if (asPostgres)
        {
            await ProcessRunner.RunCheckedAsync("chown", ["postgres:postgres", directory], cancellationToken: cancellationToken);
        }

        var server = new PostgresServer(bin, directory, FreePort.Next(), asPostgres);
        try
        {
            await server.InitAndStartAsync(durable, settings, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (dir: d, version: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.dir, "bin", "initdb")))
                .OrderByDescending(d => d.version)
                .Select(d => Path.Combine(d.dir, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Run scripts/install-deps.sh or set PG_BIN.");
    }

    private async Task InitAndStartAsync(bool durable, IReadOnlyDictionary<string, string>? settings, CancellationToken ct)
    {
        await RunPgAsync("initdb", ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct);

        var options = new List<string>
        {
            $"-p {Port}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={_directory}",
            "-c max_connections=200",
            "-c shared_buffers=256MB",
            "-c max_wal_size=4GB",
        };
        if (!durable)
        {
            options.Add("-c fsync=off");
            options.Add("-c synchronous_commit=off");
            options.Add("-c full_page_writes=off");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            options.Add($"-c {key}={value}");
        }

        await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-o", string.Join(' ', options), "-l", LogFile, "-w", "-t", "60", "start"], ct);
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stops the server (as if the machine went away) without deleting it; <see cref="StartAgainAsync"/> brings it back.</summary>
    public Task StopAsync(CancellationToken ct = default) =>
        RunPgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], ct);

    public Task StartAgainAsync(CancellationToken ct = default) =>
        RunPgAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "start"], ct);

    /// <summary>
    /// WAL between two LSNs split into record bytes and full-page-image bytes (pg_waldump --stats), to tell the WAL a
    /// change itself needs from the page images PostgreSQL writes on a page's first change after a checkpoint.
    /// </summary>
    public async Task<(long RecordBytes, long FullPageImageBytes)> WalStatsAsync(string startLsn, string endLsn, CancellationToken ct = default)
    {
        var result = await RunPgAsync("pg_waldump", ["-p", Path.Combine(DataDirectory, "pg_wal"), "-s", startLsn, "-e", endLsn, "--stats"], ct);
        var total = result.StandardOutput.Split('\n').Last(l => l.StartsWith("Total", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // "Total <records> <record bytes> [x%] <fpi bytes> [y%] <combined> [100%]"
        return (long.Parse(total[2], CultureInfo.InvariantCulture), long.Parse(total[4], CultureInfo.InvariantCulture));
    }

    private Task<ProcessResult> RunPgAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var exe = Path.Combine(_binDirectory, tool);
        return _asPostgresUser
            ? ProcessRunner.RunCheckedAsync("runuser", ["-u", "postgres", "--", exe, .. args], cancellationToken: ct)
            : ProcessRunner.RunCheckedAsync(exe, args, cancellationToken: ct);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Already stopped: nothing to do.
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
