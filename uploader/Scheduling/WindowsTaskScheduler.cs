using System.Text;

namespace PecLists.Uploader.Scheduling;

/// <summary>Windows: the daily run as a Task Scheduler task, created from the generated task XML with schtasks.</summary>
public sealed class WindowsTaskScheduler : IScheduler
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public string Register(ScheduledJob job)
    {
        var xml = Path.Combine(Path.GetTempPath(), $"pec-uploader-task-{Guid.NewGuid():N}.xml");
        try
        {
            // The XML declares UTF-16, and schtasks reads it as such.
            File.WriteAllText(xml, ScheduleDefinitions.WindowsTaskXml(job, DateOnly.FromDateTime(DateTime.Today)), Encoding.Unicode);
            Run("/Create", "/XML", xml, "/TN", ScheduleDefinitions.TaskName, "/F");
            return $"in Task Scheduler ({ScheduleDefinitions.TaskName})";
        }
        finally
        {
            File.Delete(xml);
        }
    }

    public void Unregister()
    {
        // schtasks /Delete fails on a task that is not there: uninstalling twice, or after a failed install, is a no-op.
        if (Run("/Query", "/TN", ScheduleDefinitions.TaskName) != 0)
        {
            return;
        }

        Run("/Delete", "/TN", ScheduleDefinitions.TaskName, "/F");
    }

    /// <summary>For doctor: the cron marker when the task exists, so the same check reads both schedulers.</summary>
    public string? Current()
    {
        try
        {
            return Run("/Query", "/TN", ScheduleDefinitions.TaskName) == 0 ? ScheduleDefinitions.CronMarker : string.Empty;
        }
        catch (InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private static int Run(params string[] arguments)
    {
        ProcessResult result;
        try
        {
            result = SchedulerProcess.Run("schtasks", arguments, timeout: Timeout);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"schtasks {arguments[0]} did not finish within {Timeout.TotalSeconds:N0} s; is the Task Scheduler service running?");
        }

        if (result.ExitCode != 0 && arguments[0] != "/Query")
        {
            var message = result.Error.Trim() is { Length: > 0 } text ? text : result.Output.Trim();
            throw new InvalidOperationException($"schtasks {arguments[0]} failed (exit code {result.ExitCode}): {message}");
        }

        return result.ExitCode;
    }

    /// <summary>The scheduler of this machine (see <see cref="Schedulers.ForThisMachine"/>).</summary>
    public static IScheduler ForThisMachine() => Schedulers.ForThisMachine();
}
