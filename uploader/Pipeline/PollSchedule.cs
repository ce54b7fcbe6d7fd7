using PecLists.Contracts;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// When a scheduled list is polled and when an append batch is delivered. Polls fall on a grid of every N minutes
/// counted from the Unix epoch (every 5 minutes: :00, :05, :10…), so they are predictable and a tick that ran late is
/// not followed by one catching up: a missed poll is skipped, never queued.
/// </summary>
public static class PollSchedule
{
    /// <summary>Whether <paramref name="list"/> has a schedule and its next poll is due at <paramref name="now"/>.</summary>
    public static bool IsDue(ListDefinitionDto list, SpoolState state, string site, DateTimeOffset now) =>
        list.Schedule is not null
        && (!state.NextPolls.TryGetValue(SpoolState.ListKey(site, list.Name), out var next) || now >= next);

    /// <summary>
    /// The first grid time after <paramref name="now"/>; <paramref name="minute"/> is the schedule's minute (a real one
    /// unless <c>watch.minuteSeconds</c> shortens it to try an example).
    /// </summary>
    public static DateTimeOffset Next(DateTimeOffset now, ScheduleDto schedule, TimeSpan? minute = null)
    {
        var every = (minute ?? TimeSpan.FromMinutes(1)).Ticks * Math.Max(1, schedule.EveryMinutes);
        var sinceEpoch = (now - DateTimeOffset.UnixEpoch).Ticks;
        return DateTimeOffset.UnixEpoch.AddTicks(((sinceEpoch / every) + 1) * every);
    }

    /// <summary>
    /// Whether a batch started at its first poll is due: <paramref name="deliverEveryMinutes"/> after it, less half a
    /// poll interval, so a poll that ran a little later than the batch's first one closes the batch instead of joining
    /// it (every 1 minute, deliver every 10: each delivery holds 10 polls).
    /// </summary>
    public static bool BatchIsDue(AppendBatch batch, ScheduleDto? schedule, int deliverEveryMinutes, DateTimeOffset now, TimeSpan? minute = null)
    {
        var length = minute ?? TimeSpan.FromMinutes(1);
        return now + (length * Math.Max(1, schedule?.EveryMinutes ?? 1) / 2) >= batch.StartedAt + (length * deliverEveryMinutes);
    }
}
