namespace LocalInfra;

/// <summary>
/// Azurite (blob + queue + table) on free loopback ports, from the project-local npm install: in memory, or on disk in
/// a temporary folder when it must survive <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> (the fault tests).
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    // Azurite's well-known development account (public, documented; not a secret).
    private const string Account = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string? _location;
    private ChildProcess _process;

    private AzuriteServer(ChildProcess process, int blobPort, int queuePort, int tablePort, string? location)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        _location = location;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{Account};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";

    public static string FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_BIN") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        var local = Path.Combine(RepoPaths.ToolsDirectory, "azurite", "node_modules", ".bin", "azurite");
        return File.Exists(local)
            ? local
            : throw new InvalidOperationException($"Azurite not found at {local}. Run scripts/install-deps.sh or set AZURITE_BIN.");
    }

    /// <summary>Starts Azurite; a port taken between picking and binding (another test run) means one more try.</summary>
    public static Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync(onDisk: false, cancellationToken);

    /// <summary>Starts Azurite with its data in a temporary folder (deleted on dispose), so a restart finds it again.</summary>
    public static Task<AzuriteServer> StartOnDiskAsync(CancellationToken cancellationToken = default) => StartAsync(onDisk: true, cancellationToken);

    private static async Task<AzuriteServer> StartAsync(bool onDisk, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(onDisk ? Directory.CreateTempSubdirectory("azurite-").FullName : null, cancellationToken);
            }
            catch (TimeoutException) when (attempt < 3)
            {
                // New ports next time round.
            }
        }
    }

    private static async Task<AzuriteServer> StartOnceAsync(string? location, CancellationToken cancellationToken)
    {
        var (blob, queue, table) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var server = new AzuriteServer(Launch(blob, queue, table, location), blob, queue, table, location);
        try
        {
            await server.WaitUntilUpAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private static ChildProcess Launch(int blob, int queue, int table, string? location) => ChildProcess.Start(FindExecutable(),
    [
        .. location is null ? ["--inMemoryPersistence"] : new[] { "--location", location },
        "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
        "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
        "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
        "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
    ]);

    private async Task WaitUntilUpAsync(CancellationToken cancellationToken)
    {
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => _process.Output);
        }

        // Something else may answer on a port Azurite failed to bind: make sure Azurite itself is still alive.
        await Task.Delay(200, cancellationToken);
        if (_process.HasExited)
        {
            throw new TimeoutException($"Azurite exited at start-up: {_process.Output}");
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Stops Azurite as a storage outage would look to its clients (connections refused), after letting it write its
    /// data to disk (SIGTERM; Azurite saves its metadata on close). Only for a server started on disk.
    /// </summary>
    public async Task StopAsync()
    {
        if (_location is null)
        {
            throw new InvalidOperationException("An in-memory Azurite would lose everything on stop; start it with onDisk: true.");
        }

        await ProcessRunner.RunCheckedAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await _process.DisposeAsync();
    }

    /// <summary>Starts Azurite again on the same ports with the same data.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        _process = Launch(BlobPort, QueuePort, TablePort, _location ?? throw new InvalidOperationException("not on disk"));
        await WaitUntilUpAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        if (_location is not null)
        {
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
        }
    }
}
