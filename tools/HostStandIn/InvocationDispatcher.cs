namespace HostStandIn;

/// <summary>
/// Every invocation of the handler (forwarded HTTP, queue, timer) goes through here, as through the host's one
/// <c>HttpFunctionInvocationDispatcher</c> and the WebJobs <c>FunctionExecutor</c> that runs each function:
/// <list type="bullet">
/// <item>while the worker restarts, a new invocation is held until the worker is ready again, not failed
/// (host: Description/Workers/WorkerFunctionInvoker.cs:61-63 and DelayUntilFunctionDispatcherInitializedOrShutdown,
/// 119-137: polls for at most (ErrorEventsThreshold + 1) × the initialization timeout, then the host stops);</item>
/// <item>an invocation still running at functionTimeout fails (FunctionTimeoutException: WebJobs FunctionExecutor with the
/// TimeoutAttribute ScriptHost builds from functionTimeout, ThrowOnTimeout set); the host then waits the attribute's grace
/// period (2 s) for it and, if it is still running, restarts the whole worker (WebScriptHostExceptionHandler.cs:36-57 →
/// HttpFunctionInvocationDispatcher.RestartWorkerWithInvocationIdAsync, 209-213), ending every invocation in flight.</item>
/// </list>
/// </summary>
public sealed class InvocationDispatcher(HttpClient http, int handlerPort, TimeSpan? functionTimeout, TimeSpan holdLimit, HostLog log)
{
    /// <summary>Host: Microsoft.Azure.WebJobs.TimeoutAttribute ctor, <c>GracePeriod = TimeSpan.FromSeconds(2)</c>.</summary>
    public static readonly TimeSpan TimeoutGracePeriod = TimeSpan.FromSeconds(2);

    private readonly object _gate = new();
    private TaskCompletionSource _ready = Completed();
    private bool _stopped;

    /// <summary>Asked to restart the worker after a timeout (the stand-in kills the process; its supervisor starts it again).</summary>
    public Func<string, Task>? RestartWorker { get; set; }

    /// <summary>Called when a held invocation waited longer than the host waits: the host stops.</summary>
    public Action? GiveUp { get; set; }

    public int HandlerPort => handlerPort;

    /// <summary>Host: HttpFunctionInvocationDispatcher.DisposeAndRestartWorkerChannel sets WorkerProcessRestarting (line 135).</summary>
    public void WorkerRestarting()
    {
        lock (_gate)
        {
            if (_ready.Task.IsCompleted && !_stopped)
            {
                _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Host: InitializeHttpWorkerChannelAsync → SetFunctionDispatcherStateToInitializedAndLog (line 77-83).</summary>
    public void WorkerInitialized()
    {
        lock (_gate)
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>The host is stopping: held invocations fail.</summary>
    public void Stopped()
    {
        lock (_gate)
        {
            _stopped = true;
            _ready.TrySetException(new InvalidOperationException("The host is shutting down."));
        }
    }

    /// <summary>
    /// Sends one invocation to the handler. Throws <see cref="FunctionTimeoutException"/> at functionTimeout (after the
    /// restart decision), whatever the handler does afterwards.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(string function, string invocationId, HttpRequestMessage request, CancellationToken ct)
    {
        await WaitUntilReadyAsync(ct);
        var send = http.SendAsync(request, ct);
        if (functionTimeout is not { } timeout)
        {
            return await send;
        }

        try
        {
            // WaitAsync's timer ends with the send: no 30-minute Task.Delay left behind per invocation.
            return await send.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            // Past functionTimeout: the host's timeout handling below.
        }

        log.Host($"Timeout value of {timeout:c} exceeded by function 'Functions.{function}' (Id: '{invocationId}'). Initiating cancellation.");
        _ = send.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        _ = send.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        if (await Task.WhenAny(send, Task.Delay(TimeoutGracePeriod, ct)) != send && RestartWorker is { } restart)
        {
            log.Host($"A function timeout has occurred. Restarting worker process executing invocationId '{invocationId}'.");
            await restart(invocationId);
            log.Host("Restart of language worker process(es) completed.");
        }

        throw new FunctionTimeoutException($"Timeout value of {timeout:c} was exceeded by function: Functions.{function}");
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        Task ready;
        lock (_gate)
        {
            ready = _ready.Task;
        }

        if (ready.IsCompleted)
        {
            await ready;
            return;
        }

        try
        {
            await ready.WaitAsync(holdLimit, ct);
        }
        catch (TimeoutException)
        {
            log.Host("Final functionDispatcher state: WorkerProcessRestarting. Initialization timed out and host is shutting down");
            GiveUp?.Invoke();
            throw;
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}
