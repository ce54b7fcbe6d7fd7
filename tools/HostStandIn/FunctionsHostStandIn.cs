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
    private readonly WorkerRestartPolicy _restarts = new(TimeProvider.System);
    private WorkerProcess? _worker;
    private Task? _supervisor;
    private bool _gaveUp;
    private WebApplication? _front;
    private HttpClient? _handlerClient;
    private InvocationDispatcher _dispatcher = null!;
    private int _restartRequested;

    private FunctionsHostStandIn(HostLog log) => Log = log;

    public HostLog Log { get; }

    public Uri Endpoint { get; private set; } = null!;

    public int HandlerPort { get; private set; }

    /// <summary>
    /// True once the host has given up on the handler: it exited too often (see <see cref="WorkerRestartPolicy"/>) or
    /// never started. A single exit is not this: the host starts the handler again.
    /// </summary>
    public bool HandlerExited => _gaveUp || _worker is null;

    /// <summary>How many times the handler was started again after its process exited.</summary>
    public int HandlerRestarts { get; private set; }

    /// <summary>Kills the handler's process (SIGKILL, like `kill -9`): the host notices the exit and starts it again.</summary>
    public void KillHandler() => _worker?.Kill();

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
        _dispatcher = new InvocationDispatcher(_handlerClient, HandlerPort, root.FunctionTimeout,
            (WorkerRestartPolicy.ErrorEventsThreshold + 1) * options.InitializationTimeout, Log)
        {
            RestartWorker = RestartAfterTimeoutAsync,
            GiveUp = () =>
            {
                _gaveUp = true;
                _stopping.Cancel();
            },
        };
        _worker = WorkerProcess.Start(description, root.Path, settings, HandlerPort, Log);
        using (var readiness = new HttpClient())
        {
            await _worker.WaitUntilReadyAsync(readiness, options.InitializationTimeout, Log, ct);
        }

        _supervisor = Task.Run(() => SuperviseAsync(description, root.Path, settings, options.InitializationTimeout, _stopping.Token), CancellationToken.None);

        var publicPort = options.Port == 0 ? UnusedTcpPort() : options.Port;
        _front = HttpFront.Build(root, settings, publicPort, _dispatcher, Log);
        await _front.StartAsync(ct);
        Endpoint = new Uri($"http://127.0.0.1:{publicPort}/");

        foreach (var dispatcher in QueueTriggerDispatcher.ForApp(root, settings, _dispatcher, options.QueueMessageLease, Log))
        {
            _dispatchers.Add(Task.Run(() => dispatcher.RunAsync(_stopping.Token), CancellationToken.None));
        }

        foreach (var timer in TimerTriggerDispatcher.ForApp(root, settings, _dispatcher, Log))
        {
            _dispatchers.Add(Task.Run(() => timer.RunAsync(_stopping.Token), CancellationToken.None));
        }

        var queueSettings = root.QueueSettings();
        Log.Host($"listening on {Endpoint} → custom handler on 127.0.0.1:{HandlerPort}; {root.HttpFunctions().Count} HTTP function(s), " +
            $"{root.TimerFunctions().Count} timer function(s), {root.QueueFunctions().Count} queue function(s) (batchSize={queueSettings.BatchSize} newBatchThreshold={queueSettings.NewBatchThreshold} " +
            $"maxDequeueCount={queueSettings.MaxDequeueCount} visibilityTimeout={queueSettings.VisibilityTimeout})");
    }

    /// <summary>Restarts the handler when its process exits, on the same port, as <see cref="WorkerRestartPolicy"/> says the host does.</summary>
    private async Task SuperviseAsync(CustomHandlerDescription description, string scriptRoot, AppSettings settings, TimeSpan initializationTimeout, CancellationToken ct)
    {
        using var readiness = new HttpClient();
        while (_worker is { } worker)
        {
            try
            {
                await worker.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return; // the stand-in is stopping; DisposeAsync ends the process
            }

            _dispatcher.WorkerRestarting();
            // A restart asked for at functionTimeout is no error (RestartWorkerWithInvocationIdAsync adds nothing to the
            // bucket: HttpFunctionInvocationDispatcher.cs:209-213), but a full bucket still refuses it (line 147).
            var afterTimeout = Interlocked.Exchange(ref _restartRequested, 0) == 1;
            if (!afterTimeout)
            {
                Log.Host($"custom handler process exited with code {worker.ExitCode}");
            }

            if (afterTimeout ? !_restarts.MayRestartWithoutError() : !_restarts.RecordErrorAndDecide())
            {
                Log.Host("Exceeded http worker restart retry count. Shutting down Functions Host");
                _gaveUp = true;
                _dispatcher.Stopped();
                await _stopping.CancelAsync();
                return;
            }

            Log.Host("Restarting http invoker channel");
            await worker.DisposeAsync();
            _worker = WorkerProcess.Start(description, scriptRoot, settings, HandlerPort, Log);
            try
            {
                await _worker.WaitUntilReadyAsync(readiness, initializationTimeout, Log, ct);
                HandlerRestarts++;
                _dispatcher.WorkerInitialized();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // Exited again while starting: the next round counts it as one more error.
                Log.Host($"custom handler did not start: {ex.GetType().Name}");
            }
        }
    }

    /// <summary>
    /// Host: WebScriptHostExceptionHandler.OnTimeoutExceptionAsync → HttpFunctionInvocationDispatcher.RestartWorkerWithInvocationIdAsync
    /// → DisposeAndRestartWorkerChannel: the one worker process is disposed (killed; its exit raises no error event) and a
    /// new one started on the same port. Returns at once, as the host does (InitializeHttpWorkerChannelAsync(...).Forget()).
    /// </summary>
    private Task RestartAfterTimeoutAsync(string invocationId)
    {
        _dispatcher.WorkerRestarting();
        Interlocked.Exchange(ref _restartRequested, 1);
        _worker?.Kill();
        return Task.CompletedTask;
    }

    private static int UnusedTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _dispatcher?.Stopped();
        await _stopping.CancelAsync();
        await Task.WhenAll(_dispatchers).WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_supervisor is not null)
        {
            await _supervisor.WaitAsync(TimeSpan.FromSeconds(40)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

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
