using System.Net;
using System.Net.Sockets;

namespace HostStandIn;

/// <summary>
/// A local stand-in for the Azure Functions host running a custom handler: starts the handler on a free loopback port
/// as the host does, serves the app's public URL by forwarding HTTP the host's way, and drives every queue and timer
/// trigger with the host's invocation payload. Only what the host does is reproduced; see docs/adr/0006.
/// </summary>
public sealed class FunctionsHostStandIn : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _dispatchers = [];
    private WorkerProcess? _worker;
    private WebApplication? _front;
    private HttpClient? _handlerClient;

    private FunctionsHostStandIn(HostLog log) => Log = log;

    public HostLog Log { get; }

    public Uri Endpoint { get; private set; } = null!;

    public int HandlerPort { get; private set; }

    /// <summary>True once the handler process has exited (it should not, while the host runs).</summary>
    public bool HandlerExited => _worker?.HasExited ?? true;

    public static async Task<FunctionsHostStandIn> StartAsync(StandInOptions options, CancellationToken ct = default)
    {
        var host = new FunctionsHostStandIn(new HostLog(options.OnLog));
        try
        {
            await host.StartCoreAsync(options, ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    private async Task StartCoreAsync(StandInOptions options, CancellationToken ct)
    {
        var settings = new AppSettings(options.AppSettings);
        var root = new ScriptRoot(options.ScriptRoot, settings);
        var description = root.CustomHandler();

        // Host: WorkerUtilities.GetUnusedTcpPort, then the worker is started and polled until it answers.
        HandlerPort = UnusedTcpPort();
        _handlerClient = HttpForwarding.CreateClient(root.FunctionTimeout);
        _worker = WorkerProcess.Start(description, root.Path, settings, HandlerPort, Log);
        using (var readiness = new HttpClient())
        {
            await _worker.WaitUntilReadyAsync(readiness, options.InitializationTimeout, Log, ct);
        }

        var publicPort = options.Port == 0 ? UnusedTcpPort() : options.Port;
        _front = HttpFront.Build(root, settings, publicPort, HandlerPort, _handlerClient, Log);
        await _front.StartAsync(ct);
        Endpoint = new Uri($"http://127.0.0.1:{publicPort}/");

        foreach (var dispatcher in QueueTriggerDispatcher.ForApp(root, settings, HandlerPort, _handlerClient, Log))
        {
            _dispatchers.Add(Task.Run(() => dispatcher.RunAsync(_stopping.Token), CancellationToken.None));
        }

        foreach (var timer in TimerTriggerDispatcher.ForApp(root, settings, HandlerPort, _handlerClient, Log))
        {
            _dispatchers.Add(Task.Run(() => timer.RunAsync(_stopping.Token), CancellationToken.None));
        }

        var queueSettings = root.QueueSettings();
        Log.Host($"listening on {Endpoint} → custom handler on 127.0.0.1:{HandlerPort}; {root.HttpFunctions().Count} HTTP function(s), " +
            $"{root.TimerFunctions().Count} timer function(s), {root.QueueFunctions().Count} queue function(s) (batchSize={queueSettings.BatchSize} newBatchThreshold={queueSettings.NewBatchThreshold} " +
            $"maxDequeueCount={queueSettings.MaxDequeueCount} visibilityTimeout={queueSettings.VisibilityTimeout})");
    }

    private static int UnusedTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_dispatchers).WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_front is not null)
        {
            await _front.StopAsync();
            await _front.DisposeAsync();
        }

        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        _handlerClient?.Dispose();
        _stopping.Dispose();
    }
}
