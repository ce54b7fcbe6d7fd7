using System.Globalization;
using Npgsql;

namespace LocalInfra;

/// <summary>
/// A throwaway PgBouncer in front of a <see cref="PostgresServer"/>, in transaction pooling mode like the built-in one of
/// Azure Database for PostgreSQL Flexible Server (port 6432 there; a free loopback port here), with the pool settings the
/// deployment gives it (bicep/modules/database.bicep: pgbouncer.default_pool_size, pgbouncer.max_client_conn). Clients
/// sign in without a password (auth_type trust; the cluster trusts loopback too). The Debian package <c>pgbouncer</c>
/// (scripts/install-deps.sh); PGBOUNCER_BIN overrides. As root it runs through <c>runuser -u postgres</c>: PgBouncer
/// refuses to run as root. Its open-files limit is raised to the hard limit (see <see cref="StartAsync"/>); listen_backlog is raised from PgBouncer's 128 (capped by the kernel's somaxconn) so a whole
/// fleet of instances connecting at the same moment is queued by the kernel instead of having SYNs dropped.
/// </summary>
public sealed class PgBouncerServer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;

    private PgBouncerServer(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What PgBouncer printed so far (its log goes to standard error).</summary>
    public string Output => _process.Output;

    public string ConnectionString(string database, string user = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Database = database, Username = user }.ConnectionString;

    public static string FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("PGBOUNCER_BIN") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        foreach (var candidate in new[] { "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("pgbouncer not found (/usr/sbin/pgbouncer). Run scripts/install-deps.sh or set PGBOUNCER_BIN.");
    }

    /// <param name="postgres">The cluster behind it.</param>
    /// <param name="database">The one database it serves (the app's).</param>
    /// <param name="defaultPoolSize">Server connections per user and database: all PostgreSQL ever sees of the app.</param>
    /// <param name="maxClientConnections">Client connections it accepts at most (every instance's pool together).</param>
    /// <param name="cancellationToken">Stops waiting for it to listen.</param>
    public static async Task<PgBouncerServer> StartAsync(PostgresServer postgres, string database, int defaultPoolSize, int maxClientConnections, CancellationToken cancellationToken = default)
    {
        var asPostgres = PostgresServer.RunsAsRoot();
        var directory = Directory.CreateTempSubdirectory("pgbouncer-").FullName;
        var port = FreePort.Next();
        var ini = Path.Combine(directory, "pgbouncer.ini");
        var users = Path.Combine(directory, "userlist.txt");
        await File.WriteAllTextAsync(users, "\"postgres\" \"\"\n", cancellationToken);
        await File.WriteAllTextAsync(ini, string.Create(CultureInfo.InvariantCulture, $"""
            [databases]
            {database} = host=127.0.0.1 port={postgres.Port} dbname={database}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            listen_backlog = 4096
            unix_socket_dir =
            auth_type = trust
            auth_file = {users}
            pool_mode = transaction
            default_pool_size = {defaultPoolSize}
            min_pool_size = 0
            reserve_pool_size = 0
            max_client_conn = {maxClientConnections}
            admin_users = postgres
            log_connections = 0
            log_disconnections = 0

            """), cancellationToken);
        if (asPostgres)
        {
            await ProcessRunner.RunCheckedAsync("chown", ["-R", "postgres:postgres", directory], cancellationToken: cancellationToken);
        }

        // Every client is a file descriptor: with the usual soft limit of 1,024 PgBouncer stops accepting at about a
        // thousand clients ("accept() failed: Too many open files") and the rest wait in the kernel's backlog until their
        // connect times out. The soft limit is raised to the hard one, which must cover max_client_conn plus the pool.
        var executable = FindExecutable();
        string[] shell = ["/bin/sh", "-c", "ulimit -n \"$(ulimit -Hn)\" && exec \"$0\" \"$1\"", executable, ini];
        var process = asPostgres
            ? ChildProcess.Start("runuser", ["-u", "postgres", "--", .. shell], workingDirectory: "/")
            : ChildProcess.Start(shell[0], shell[1..], workingDirectory: "/");
        var server = new PgBouncerServer(process, directory, port);
        try
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(20), () => process.Output);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
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
