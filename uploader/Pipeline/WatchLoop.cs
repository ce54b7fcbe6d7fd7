namespace PecLists.Uploader.Pipeline;

/// <summary>
/// The long-running <c>watch</c> mode (ADR 0023): wakes at every whole minute and runs a tick (a scheduled-lists run,
/// <see cref="RunScope.Scheduled"/>) when a list's poll is due (<paramref name="anyDue"/>), or, while any list has a
/// schedule (<paramref name="anyScheduled"/>), at least every <paramref name="catalogEvery"/> so changed definitions and
/// spooled deliveries are picked up. A site with no scheduled list ticks once at start and then only reads the spool's
/// cache each minute (the daily run refreshes it): an idle watch costs the backend nothing. Ticks run one
/// after the other, never two at once; a tick that outlasts its minute makes the loop skip the minutes it covered
/// (the next tick is the next whole minute after it ended), never queue them. The spool's run lock keeps a tick and a
/// daily <c>run</c> from overlapping: the one that finds it held does nothing. Time comes from <paramref name="clock"/>,
/// so tests drive the loop with a fake clock instead of sleeping. <paramref name="minute"/> is the schedule's minute (a
/// real one unless <c>watch.minuteSeconds</c> shortens it to try an example): the loop wakes at each whole one.
/// </summary>
public sealed class WatchLoop(TimeProvider clock, Func<DateTimeOffset, bool> anyDue, Func<bool> anyScheduled, Func<CancellationToken, Task<RunResult>> tick, TimeSpan catalogEvery, TimeSpan? minute = null)
{
    private readonly TimeSpan _minute = minute ?? TimeSpan.FromMinutes(1);

    /// <summary>How often a watch with nothing due still runs a tick: new definitions, spooled deliveries, the heartbeat.</summary>
    public static readonly TimeSpan DefaultCatalogEvery = TimeSpan.FromMinutes(15);

    /// <summary>Runs until <paramref name="ct"/> is cancelled (the service is stopped); <paramref name="onTick"/> hears every tick's result.</summary>
    public async Task RunAsync(Action<RunResult>? onTick, CancellationToken ct)
    {
        DateTimeOffset? lastTick = null;
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (lastTick is null || anyDue(now) || (now - lastTick.Value >= catalogEvery && anyScheduled()))
            {
                lastTick = now;
                var result = await tick(ct); // not inside onTick?.Invoke(…): with no listener, its argument is never evaluated
                onTick?.Invoke(result);
            }

            try
            {
                var after = clock.GetUtcNow();
                await Task.Delay(NextMinute(after, _minute) - after, clock, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>The next whole minute (of <paramref name="length"/>, a real minute when absent) strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextMinute(DateTimeOffset now, TimeSpan? length = null)
    {
        var minute = (length ?? TimeSpan.FromMinutes(1)).Ticks;
        return new DateTimeOffset(((now.UtcTicks / minute) + 1) * minute, TimeSpan.Zero);
    }
}
