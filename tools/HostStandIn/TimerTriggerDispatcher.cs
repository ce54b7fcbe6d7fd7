namespace HostStandIn;

/// <summary>
/// Plays the timer extension's listener for one timer-triggered function (azure-webjobs-sdk-extensions, commit 2e7550f,
/// src/WebJobs.Extensions/Extensions/Timers/Listener/TimerListener.cs): waits for the next occurrence, POSTs the host's
/// invocation payload to /{function}, one invocation at a time, and computes the next occurrence from when the
/// invocation started (so a run longer than the period is followed by one immediate run, not a burst). A failed
/// invocation is logged and the schedule goes on: timer invocations are not retried.
/// <para>
/// Schedule monitor (<c>useMonitor</c>, default true): in Azure the status is kept in a blob (Timers.Storage
/// StorageScheduleMonitor) so a restart after a missed occurrence runs at once with IsPastDue = true. The stand-in
/// keeps the status in memory, as if that blob were empty at each start: ScheduleStatus is sent exactly as the host
/// sends it on a new app (Last and LastUpdated 0001-01-01 before the first run), IsPastDue is always false, and nothing
/// missed while it was stopped is caught up. Sub-minute schedules run without the monitor (ScheduleStatus null), as in
/// the extension (TimerSchedule.ShouldDisableScheduleMonitor).
/// </para>
/// <para>
/// Singleton: TimerListener is <c>[Singleton(Mode = SingletonMode.Listener)]</c>, so across instances of an app only the
/// holder of a blob lease runs the schedule. The stand-in is one host process: one listener, nothing to lease. Two
/// stand-ins on the same app would both fire.
/// </para>
/// </summary>
public sealed class TimerTriggerDispatcher(TimerFunction function, CronTimerSchedule schedule, InvocationDispatcher dispatcher, HostLog log)
{
    // System.Timers.Timer's longest interval; the listener waits in steps of it (TimerListener.MaxTimerInterval).
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(24);

    public TimerFunction Function => function;

    /// <summary>
    /// One listener per timer-triggered function, its schedule resolved and parsed at start-up. The host puts a
    /// function whose schedule does not parse in error and runs the others; the stand-in refuses to start instead, so a
    /// broken schedule cannot go unnoticed in a test. A retry policy is refused too: the host would apply it to a timer
    /// trigger (TimerTriggerBinding is [SupportsRetry]) and the stand-in does not reproduce retries.
    /// </summary>
    public static IReadOnlyList<TimerTriggerDispatcher> ForApp(ScriptRoot root, AppSettings settings, InvocationDispatcher dispatcher, HostLog log) =>
        [.. root.TimerFunctions().Select(function =>
        {
            if (root.RetryPolicyOf(function.Name) is not null)
            {
                throw new NotSupportedException($"Function '{function.Name}': retry policies on timer triggers are not reproduced by the stand-in.");
            }

            CronTimerSchedule schedule;
            try
            {
                schedule = CronTimerSchedule.Parse(function.Schedule, settings);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Function '{function.Name}': {ex.Message}", ex);
            }

            return new TimerTriggerDispatcher(function, schedule, dispatcher, log);
        })];

    public async Task RunAsync(CancellationToken ct)
    {
        var monitor = function.UseMonitor && !schedule.IsSubMinute(DateTime.Now);
        var never = default(DateTime).ToLocalTime();
        var status = new TimerScheduleStatus { Last = never, Next = schedule.NextAfter(DateTime.Now), LastUpdated = never };
        log.Host($"function '{function.Name}': schedule {schedule}, time zone {TimeZoneInfo.Local.Id}, monitor {(monitor ? "in memory" : "off")}, next {status.Next:O}");

        var runOnStartup = function.RunOnStartup;
        while (!ct.IsCancellationRequested)
        {
            if (!runOnStartup && !await WaitUntilAsync(status.Next, ct))
            {
                break;
            }

            var invocationTime = DateTimeOffset.Now;
            var payload = TimerInvocationPayload.Build(function, new TimerInfo(monitor ? status : null, isPastDue: false));
            try
            {
                await DefaultInvocation.InvokeAsync(dispatcher, function.Name, payload, log, runOnStartup ? ", RunOnStartup" : string.Empty, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // TimerListener.HandleTimerEvent: nothing an invocation throws (a timeout too) stops the schedule.
                log.Host($"Error occurred during scheduled invocation for '{function.Name}': {ex.GetType().Name}: {ex.Message.Split('\n', 2)[0].Trim()}");
            }

            // TimerListener.InvokeJobFunction: a scheduled run that fired early (clock skew) counts from its scheduled time.
            var adjusted = !runOnStartup && new DateTimeOffset(status.Next) > invocationTime ? new DateTimeOffset(status.Next) : invocationTime;
            status = new TimerScheduleStatus { Last = adjusted.LocalDateTime, Next = schedule.NextAfter(adjusted.LocalDateTime), LastUpdated = adjusted.LocalDateTime };
            runOnStartup = false;
        }
    }

    private static async Task<bool> WaitUntilAsync(DateTime next, CancellationToken ct)
    {
        while (true)
        {
            var remaining = new DateTimeOffset(next) - DateTimeOffset.Now;
            if (remaining <= TimeSpan.Zero)
            {
                return !ct.IsCancellationRequested;
            }

            try
            {
                await Task.Delay(remaining < MaxWait ? remaining : MaxWait, ct);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
