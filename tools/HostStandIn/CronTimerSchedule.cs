using System.Text;
using NCrontab;

namespace HostStandIn;

/// <summary>
/// A timer function's schedule as the timer extension builds it (azure-webjobs-sdk-extensions, commit 2e7550f,
/// src/WebJobs.Extensions/Extensions/Timers/Scheduling/TimerSchedule.Create and CronSchedule.TryCreate): "%NAME%" parts
/// resolved from app settings first (Microsoft.Azure.WebJobs.Host NameResolverExtensions.ResolveWholeString: an unknown
/// name is an error), then NCrontab with seconds unless the expression has exactly 5 fields. Times are the process's
/// local time, as the listener uses DateTime.Now (UTC in Azure unless WEBSITE_TIME_ZONE says otherwise); the extension's
/// adjustments for ambiguous times at a DST change are not reproduced.
/// </summary>
public sealed class CronTimerSchedule
{
    private readonly CrontabSchedule _schedule;

    private CronTimerSchedule(CrontabSchedule schedule) => _schedule = schedule;

    public static CronTimerSchedule Parse(string expression, AppSettings settings)
    {
        var resolved = ResolveWholeString(expression, settings);
        var includingSeconds = resolved.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5;
        if (CrontabSchedule.TryParse(resolved, new CrontabSchedule.ParseOptions { IncludingSeconds = includingSeconds }) is { } schedule)
        {
            return new CronTimerSchedule(schedule);
        }

        if (TimeSpan.TryParse(resolved, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            // A ConstantSchedule: the docs allow TimeSpan schedules only on App Service plans, never on Flex Consumption.
            throw new NotSupportedException($"The schedule '{resolved}' is a TimeSpan: only App Service plans run those; use a cron expression.");
        }

        throw new ArgumentException($"The schedule expression '{resolved}' was not recognized as a valid cron expression or timespan string.");
    }

    /// <summary>The next occurrence strictly after <paramref name="now"/>, a local time (CronSchedule.GetNextOccurrence).</summary>
    public DateTime NextAfter(DateTime now) => DateTime.SpecifyKind(_schedule.GetNextOccurrence(now), DateTimeKind.Local);

    /// <summary>
    /// TimerSchedule.ShouldDisableScheduleMonitor: a schedule of the form "X * * * * *" firing more than once in the next
    /// minute runs without the monitor, whatever useMonitor says.
    /// </summary>
    public bool IsSubMinute(DateTime now) =>
        _schedule.ToString().Split(' ').Skip(1).All(p => p == "*")
        && _schedule.GetNextOccurrences(now, now + TimeSpan.FromMinutes(1)).Take(2).Count() > 1;

    public override string ToString() => $"Cron: '{_schedule}'";

    private static string ResolveWholeString(string expression, AppSettings settings)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < expression.Length)
        {
            var start = expression.IndexOf('%', i);
            if (start < 0)
            {
                result.Append(expression, i, expression.Length - i);
                break;
            }

            var end = expression.IndexOf('%', start + 1);
            if (end < 0)
            {
                throw new InvalidOperationException($"The '%' at position {start} does not have a closing '%'");
            }

            var name = expression[(start + 1)..end];
            var value = settings[name] ?? throw new InvalidOperationException($"'%{name}%' does not resolve to a value.");
            result.Append(expression, i, start - i).Append(value);
            i = end + 1;
        }

        return result.ToString();
    }
}
