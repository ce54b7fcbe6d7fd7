using LocalInfra;

namespace LocalInfra.Tests;

public sealed class EventuallyTests
{
    [Fact]
    public async Task A_timeout_names_what_was_awaited_the_last_value_observed_and_the_context()
    {
        var observed = 0;

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.UntilAsync(
            () => ++observed, n => n < 0, TimeSpan.FromMilliseconds(200), "a negative count",
            poll: TimeSpan.FromMilliseconds(10), describe: n => $"count={n}", context: () => "the log says hello"));

        Assert.StartsWith($"Waited {TimeSpan.FromMilliseconds(200)} for a negative count; last observed: count={observed}\n", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith("the log says hello", failure.Message, StringComparison.Ordinal);
        Assert.True(observed > 1, $"observed {observed} time(s)");
    }

    [Fact]
    public async Task A_condition_that_never_holds_times_out_saying_what_was_awaited()
    {
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.UntilAsync(
            () => Task.FromResult(false), TimeSpan.FromMilliseconds(50), "the queue to empty", TimeSpan.FromMilliseconds(10)));

        Assert.Equal($"Waited {TimeSpan.FromMilliseconds(50)} for the queue to empty; last observed: false", failure.Message);
    }

    [Fact]
    public async Task The_value_that_satisfied_the_predicate_is_returned_and_nothing_is_observed_after_it()
    {
        var observed = 0;

        var value = await Eventually.UntilAsync(
            () => Task.FromResult(++observed), n => n >= 3, TimeSpan.FromMinutes(1), "the third observation", TimeSpan.FromMilliseconds(1));

        Assert.Equal(3, value);
        Assert.Equal(3, observed);
    }

    [Fact]
    public async Task A_condition_that_holds_at_once_is_checked_once()
    {
        var checks = 0;

        await Eventually.UntilAsync(() => ++checks > 0, TimeSpan.FromMinutes(1), "anything", TimeSpan.FromMinutes(1));

        Assert.Equal(1, checks);
    }

    [Fact]
    public async Task The_condition_is_checked_again_at_the_deadline_so_the_timeout_is_never_shortened()
    {
        var timeout = TimeSpan.FromMilliseconds(200);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Polled once a minute, the condition is checked at the start and then at the deadline, where it first holds.
        var elapsed = await Eventually.UntilAsync(() => clock.Elapsed, e => e >= timeout, timeout, "the deadline", TimeSpan.FromMinutes(1));

        Assert.True(elapsed >= timeout, $"{elapsed}");
    }

    [Fact]
    public async Task An_exception_from_the_condition_ends_the_wait_as_it_was_thrown()
    {
        var checks = 0;

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Eventually.UntilAsync(
            async () =>
            {
                await Task.Yield();
                return ++checks == 2 ? throw new InvalidOperationException("the watched process exited") : false;
            },
            TimeSpan.FromMinutes(10), "the process to write its file", TimeSpan.FromMilliseconds(1)));

        Assert.Equal("the watched process exited", thrown.Message);
        Assert.Equal(2, checks);
    }

    [Fact]
    public async Task Cancelling_ends_the_wait()
    {
        using var cancel = new CancellationTokenSource();
        var checks = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Eventually.UntilAsync(
            () =>
            {
                if (++checks == 2)
                {
                    cancel.Cancel();
                }

                return false;
            },
            TimeSpan.FromMinutes(10), "nothing", TimeSpan.FromMilliseconds(1), ct: cancel.Token));

        Assert.Equal(2, checks);
    }
}
