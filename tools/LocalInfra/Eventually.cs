using System.Diagnostics;

namespace LocalInfra;

/// <summary>
/// Waits for a condition to hold, polling it, for tests and tools that watch a real process, database or queue change.
/// It returns as soon as the condition holds and, after the timeout, throws a <see cref="TimeoutException"/> that says
/// what was awaited and what was last observed, so a slow CI run fails with the state it was stuck in. An exception
/// thrown by the condition (an assertion that the watched process is still alive, say) ends the wait at once.
/// The condition is always checked once more at or after the deadline, so the timeout is never shorter than asked.
/// </summary>
public static class Eventually
{
    /// <summary>How often the condition is checked unless the caller needs a finer grain (to catch a short-lived state).</summary>
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    /// <param name="condition">Checked at once and then every <paramref name="poll"/>.</param>
    /// <param name="timeout">How long to wait before failing.</param>
    /// <param name="whatWeWaitedFor">Names the condition in the failure ("the snapshot to load").</param>
    /// <param name="poll">The pause between checks; <see cref="DefaultPoll"/> if null.</param>
    /// <param name="context">Added to the failure message, read once when the wait fails (a process's log, say).</param>
    /// <param name="ct">Ends the wait with an <see cref="OperationCanceledException"/>.</param>
    public static Task UntilAsync(
        Func<bool> condition, TimeSpan timeout, string whatWeWaitedFor, TimeSpan? poll = null, Func<string>? context = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout, whatWeWaitedFor, poll, context, ct);
    }

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds.</summary>
    /// <inheritdoc cref="UntilAsync(Func{bool}, TimeSpan, string, TimeSpan?, Func{string}?, CancellationToken)"/>
    public static Task UntilAsync(
        Func<Task<bool>> condition, TimeSpan timeout, string whatWeWaitedFor, TimeSpan? poll = null, Func<string>? context = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(condition, holds => holds, timeout, whatWeWaitedFor, poll, holds => holds ? "true" : "false", context, ct);
    }

    /// <summary>Observes a value until <paramref name="satisfies"/> holds for it, and returns that value.</summary>
    /// <param name="observe">Reads the current value: at once and then every <paramref name="poll"/>.</param>
    /// <param name="satisfies">Whether the observed value is the one awaited.</param>
    /// <param name="timeout">How long to wait before failing.</param>
    /// <param name="whatWeWaitedFor">Names the condition in the failure ("3 messages in the poison queue").</param>
    /// <param name="poll">The pause between checks; <see cref="DefaultPoll"/> if null.</param>
    /// <param name="describe">Writes the last observed value into the failure message; its ToString() if null.</param>
    /// <param name="context">Added to the failure message, read once when the wait fails (a process's log, say).</param>
    /// <param name="ct">Ends the wait with an <see cref="OperationCanceledException"/>.</param>
    public static Task<T> UntilAsync<T>(
        Func<T> observe, Func<T, bool> satisfies, TimeSpan timeout, string whatWeWaitedFor, TimeSpan? poll = null,
        Func<T, string>? describe = null, Func<string>? context = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(observe);
        return UntilAsync(() => Task.FromResult(observe()), satisfies, timeout, whatWeWaitedFor, poll, describe, context, ct);
    }

    /// <summary>Observes a value asynchronously until <paramref name="satisfies"/> holds for it, and returns that value.</summary>
    /// <inheritdoc cref="UntilAsync{T}(Func{T}, Func{T, bool}, TimeSpan, string, TimeSpan?, Func{T, string}?, Func{string}?, CancellationToken)"/>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> observe, Func<T, bool> satisfies, TimeSpan timeout, string whatWeWaitedFor, TimeSpan? poll = null,
        Func<T, string>? describe = null, Func<string>? context = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(observe);
        ArgumentNullException.ThrowIfNull(satisfies);
        ArgumentException.ThrowIfNullOrWhiteSpace(whatWeWaitedFor);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var interval = poll ?? DefaultPoll;
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero, nameof(poll));

        var clock = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var value = await observe();
            if (satisfies(value))
            {
                return value;
            }

            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                var observed = describe is null ? value?.ToString() ?? "null" : describe(value);
                var extra = context is null ? string.Empty : $"\n{context()}";
                throw new TimeoutException($"Waited {timeout} for {whatWeWaitedFor}; last observed: {observed}{extra}");
            }

            // Never sleeps past the deadline, and always looks once more at it.
            await Task.Delay(left < interval ? left : interval, ct);
        }
    }
}
