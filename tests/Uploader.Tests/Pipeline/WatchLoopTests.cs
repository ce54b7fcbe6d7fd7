using Microsoft.Extensions.Time.Testing;
using PecLists.Contracts;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Spooling;
using LocalInfra;

namespace PecLists.Uploader.Tests;

/// <summary>The watch loop on a fake clock: ticks on whole minutes when something is due, one at a time, missed minutes skipped.</summary>
public sealed class WatchLoopTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task A_tick_runs_at_start_then_only_on_the_whole_minutes_when_something_is_due()
    {
        var clock = new WaitedClock(Start);
        var ticks = new List<DateTimeOffset>();
        var dueMinutes = new HashSet<int> { 3, 5 };
        var loop = new WatchLoop(clock, now => dueMinutes.Contains(now.Minute), () => true, _ => Tick(clock, ticks), TimeSpan.FromMinutes(15));
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(null, stop.Token);

        for (var minute = 1; minute <= 6; minute++)
        {
            await AdvanceToAsync(clock, Start.AddSeconds(-30).AddMinutes(minute));
        }

        await stop.CancelAsync();
        await running;
        Assert.Equal([Start, At(3), At(5)], ticks);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_nothing_due_a_tick_still_runs_every_catalog_period_while_a_list_has_a_schedule_and_never_when_none_has(bool scheduled)
    {
        var clock = new WaitedClock(Start);
        var ticks = new List<DateTimeOffset>();
        var loop = new WatchLoop(clock, _ => false, () => scheduled, _ => Tick(clock, ticks), TimeSpan.FromMinutes(15));
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(null, stop.Token);

        for (var minute = 1; minute <= 31; minute++)
        {
            await AdvanceToAsync(clock, At(minute));
        }

        await stop.CancelAsync();
        await running;
        Assert.Equal(scheduled ? [Start, At(16), At(31)] : [Start], ticks);
    }

    [Fact]
    public async Task A_tick_that_outlasts_its_minute_is_never_overlapped_and_the_minutes_it_covered_are_skipped_not_queued()
    {
        var clock = new WaitedClock(Start);
        var inFlight = 0;
        var mostInFlight = 0;
        var ticks = new List<DateTimeOffset>();
        var release = new TaskCompletionSource();
        var loop = new WatchLoop(clock, _ => true, () => true, async _ =>
        {
            mostInFlight = Math.Max(mostInFlight, Interlocked.Increment(ref inFlight));
            lock (ticks)
            {
                ticks.Add(clock.GetUtcNow());
            }

            if (ticks.Count == 2)
            {
                await release.Task; // the tick of 12:01 takes three minutes
            }

            Interlocked.Decrement(ref inFlight);
            return new RunResult(ExitCodes.Ok, [], []);
        }, TimeSpan.FromMinutes(15));
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(null, stop.Token);
        await AdvanceToAsync(clock, At(1));
        await Eventually.UntilAsync(() => Count(ticks), n => n == 2, TimeSpan.FromSeconds(20), "tick 2", TimeSpan.FromMilliseconds(5), n => $"{n} tick(s)");

        clock.SetUtcNow(At(4).AddSeconds(10));
        release.SetResult();
        await AdvanceToAsync(clock, At(5));
        await Eventually.UntilAsync(() => Count(ticks), n => n == 3, TimeSpan.FromSeconds(20), "tick 3", TimeSpan.FromMilliseconds(5), n => $"{n} tick(s)");
        await stop.CancelAsync();
        await running;

        Assert.Equal([Start, At(1), At(5)], ticks);
        Assert.Equal(1, mostInFlight);
    }

    [Fact]
    public void Polls_fall_on_a_grid_of_every_n_minutes()
    {
        var schedule = new ScheduleDto(5);

        Assert.Equal(At(5), PollSchedule.Next(Start, schedule));
        Assert.Equal(At(10), PollSchedule.Next(At(5), schedule));
        Assert.Equal(At(10), PollSchedule.Next(At(7).AddSeconds(59), schedule));
    }

    [Fact]
    public void A_scheduled_list_is_due_when_its_next_poll_time_came_and_a_daily_list_never_is()
    {
        var state = new SpoolState();
        var gps = new ListDefinitionDto("gps", 1, "SELECT 1", [], ["codigo"], Schedule: new ScheduleDto(1));
        var daily = new ListDefinitionDto("hipertensos", 1, "SELECT 1", [], []);

        Assert.True(PollSchedule.IsDue(gps, state, "2304400", Start), "never polled: due");
        state.NextPolls[SpoolState.ListKey("2304400", "gps")] = At(2);
        Assert.False(PollSchedule.IsDue(gps, state, "2304400", At(1)));
        Assert.True(PollSchedule.IsDue(gps, state, "2304400", At(2)));
        Assert.False(PollSchedule.IsDue(daily, state, "2304400", At(2)));
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    public void A_batch_polled_every_minute_and_delivered_every_ten_is_due_at_its_tenth_minute_even_when_its_first_poll_ran_late(int minutes, bool due)
    {
        var firstPollRanLate = At(0).AddSeconds(20);
        var batch = new AppendBatch(1, "batch-v1", [new SpooledSnapshot("2304400", "gps", SnapshotIds.New(firstPollRanLate), "p")]);

        Assert.Equal(due, PollSchedule.BatchIsDue(batch, new ScheduleDto(1, 10), 10, At(minutes).AddSeconds(1)));
    }

    [Fact]
    public void With_a_shortened_minute_the_grid_and_the_batches_count_those_minutes()
    {
        var minute = TimeSpan.FromSeconds(2);
        var batch = new AppendBatch(1, "batch-v1", [new SpooledSnapshot("2304400", "gps", SnapshotIds.New(Start), "p")]);

        Assert.Equal(Start.AddSeconds(10), PollSchedule.Next(Start, new ScheduleDto(5), minute)); // 12:00:30 is on the grid; the next point 10 s on
        Assert.False(PollSchedule.BatchIsDue(batch, new ScheduleDto(1, 10), 10, Start.AddSeconds(18), minute));
        Assert.True(PollSchedule.BatchIsDue(batch, new ScheduleDto(1, 10), 10, Start.AddSeconds(19), minute));
        Assert.Equal(Start.AddSeconds(2), WatchLoop.NextMinute(Start.AddSeconds(1.5), minute));
    }

    [Fact]
    public async Task With_a_shortened_minute_the_loop_wakes_at_each_whole_one_of_those()
    {
        var clock = new WaitedClock(Start);
        var ticks = new List<DateTimeOffset>();
        var loop = new WatchLoop(clock, _ => true, () => true, _ => Tick(clock, ticks), TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(2));
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(null, stop.Token);

        for (var second = 2; second <= 6; second += 2)
        {
            await AdvanceToAsync(clock, Start.AddSeconds(second));
        }

        await Eventually.UntilAsync(() => Count(ticks), n => n == 4, TimeSpan.FromSeconds(20), "tick 4", TimeSpan.FromMilliseconds(5), n => $"{n} tick(s)");
        await stop.CancelAsync();
        await running;
        Assert.Equal([Start, Start.AddSeconds(2), Start.AddSeconds(4), Start.AddSeconds(6)], ticks);
    }

    private static DateTimeOffset At(int minute) => new(2026, 12, 7, 12, minute, 0, TimeSpan.Zero);

    private static Task<RunResult> Tick(TimeProvider clock, List<DateTimeOffset> ticks)
    {
        lock (ticks)
        {
            ticks.Add(clock.GetUtcNow());
        }

        return Task.FromResult(new RunResult(ExitCodes.Ok, [], []));
    }

    private static int Count(List<DateTimeOffset> ticks)
    {
        lock (ticks)
        {
            return ticks.Count;
        }
    }

    /// <summary>Moves the fake clock to <paramref name="to"/> once the loop waits for it (it created its next timer), so no minute is jumped over.</summary>
    private static async Task AdvanceToAsync(WaitedClock clock, DateTimeOffset to)
    {
        await Eventually.UntilAsync(
            () => clock.TimersCreated > clock.TimersSeen, TimeSpan.FromSeconds(20), $"the loop to create its next timer before {to:HH:mm:ss}", TimeSpan.FromMilliseconds(5));
        clock.TimersSeen = clock.TimersCreated;
        clock.SetUtcNow(to);
        await Task.Yield();
    }
}

/// <summary>A fake clock that counts the timers made on it: a new one means the loop is waiting for the clock.</summary>
internal sealed class WaitedClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _created;

    public int TimersCreated => Volatile.Read(ref _created);

    public int TimersSeen { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _created);
        return timer;
    }
}
