namespace HostStandIn;

/// <summary>
/// What the host does when the custom handler's process exits (host: Workers/Http/HttpWorkerProcess.HandleWorkerProcessExitError
/// publishes an HttpWorkerErrorEvent; HttpFunctionInvocationDispatcher.WorkerError → AddOrUpdateErrorBucket →
/// RestartWorkerChannel): the error is pushed into a bucket that is emptied when it comes more than
/// WorkerConstants.WorkerRestartErrorIntervalThresholdInMinutes (30) after the previous one; with fewer than
/// ErrorEventsThreshold (3) errors in the bucket the worker is started again (same port: HttpWorkerOptionsSetup picks
/// it once), otherwise "Exceeded http worker restart retry count. Shutting down Functions Host" and the host stops.
/// </summary>
public sealed class WorkerRestartPolicy(TimeProvider clock)
{
    public const int ErrorEventsThreshold = 3;

    public static readonly TimeSpan ThresholdBetweenRestarts = TimeSpan.FromMinutes(30);

    private readonly Stack<DateTimeOffset> _errors = new();

    /// <summary>
    /// A restart that is not an error (functionTimeout: RestartWorkerWithInvocationIdAsync adds nothing to the bucket) is
    /// still refused once the bucket is full (RestartWorkerChannel, HttpFunctionInvocationDispatcher.cs:147).
    /// </summary>
    public bool MayRestartWithoutError() => _errors.Count < ErrorEventsThreshold;

    /// <summary>Records one exit of the worker; true when the host restarts it, false when the host shuts down.</summary>
    public bool RecordErrorAndDecide()
    {
        var now = clock.GetUtcNow();
        // Host: compares with the newest error on the stack (TryPeek), and clears the whole bucket when it is older.
        if (_errors.TryPeek(out var newest) && now - newest > ThresholdBetweenRestarts)
        {
            _errors.Clear();
        }

        _errors.Push(now);
        return _errors.Count < ErrorEventsThreshold;
    }
}
