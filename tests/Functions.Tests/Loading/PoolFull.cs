namespace PecLists.Functions.Tests.Loading;

/// <summary>Releases an instance's workers once all of them hold a connection: the instance's pool is at its maximum.</summary>
public sealed class PoolFull(int workers)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Completes when every worker of the instance holds a connection.</summary>
    public Task Filled => _all.Task;

    public Task ArriveAndWaitAsync(CancellationToken ct)
    {
        if (Interlocked.Increment(ref _arrived) == workers)
        {
            _all.TrySetResult();
        }

        return _all.Task.WaitAsync(ct);
    }
}
