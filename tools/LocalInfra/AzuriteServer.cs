namespace LocalInfra;

/// <summary>Azurite (blob + queue + table) in memory on free loopback ports, from the project-local npm install.</summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    // Azurite's well-known development account (public, documented; not a secret).
    private const string Account = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly ChildProcess _process;

    private AzuriteServer(ChildProcess process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
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
    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(cancellationToken);
            }
            catch (TimeoutException) when (attempt < 3)
            {
                // New ports next time round.
            }
        }
    }

    private static async Task<AzuriteServer> StartOnceAsync(CancellationToken cancellationToken)
    {
        var (blob, queue, table) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var process = ChildProcess.Start(FindExecutable(),
        [
            "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
        ]);
        var server = new AzuriteServer(process, blob, queue, table);
        try
        {
            foreach (var port in new[] { blob, queue, table })
            {
                await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => process.Output);
            }

            // Something else may answer on a port Azurite failed to bind: make sure Azurite itself is still alive.
            await Task.Delay(200, cancellationToken);
            if (process.HasExited)
            {
                throw new TimeoutException($"Azurite exited at start-up: {process.Output}");
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return server;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
