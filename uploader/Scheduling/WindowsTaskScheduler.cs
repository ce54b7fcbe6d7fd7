using System.Text;

namespace PecLists.Uploader.Scheduling;

/// <summary>
/// Windows: the daily run as a Task Scheduler task, created from the generated task XML with schtasks, and the watch
/// service (ADR 0023) as a task started at boot and a minute after install, its running instance ended on every install so
/// it runs the binary just installed.
/// </summary>
public sealed class WindowsTaskScheduler : IScheduler
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public string Register(ScheduledJob job)
    {
        Create(ScheduleDefinitions.TaskName, ScheduleDefinitions.WindowsTaskXml(job, DateOnly.FromDateTime(DateTime.Today)));
        End(ScheduleDefinitions.WatchTaskName);
        Create(ScheduleDefinitions.WatchTaskName, ScheduleDefinitions.WindowsWatchTaskXml(job, DateTime.Now.AddMinutes(1)));
        return $"in Task Scheduler ({ScheduleDefinitions.TaskName}, {ScheduleDefinitions.WatchTaskName})";
    }

    public void Unregister()
    {
        foreach (var task in new[] { ScheduleDefinitions.TaskName, ScheduleDefinitions.WatchTaskName })
        {
            // schtasks /Delete fails on a task that is not there: uninstalling twice, or after a failed install, is a no-op.
            if (Run("/Query", "/TN", task) != 0)
            {
                continue;
            }

            End(task);
            Run("/Delete", "/TN", task, "/F");
        }
    }

    private static void Create(string name, string taskXml)
    {
        var xml = Path.Combine(Path.GetTempPath(), $"pec-uploader-task-{Guid.NewGuid():N}.xml");
        try
        {
            // The XML declares UTF-16, and schtasks reads it as such.
            File.WriteAllText(xml, taskXml, Encoding.Unicode);
            Run("/Create", "/XML", xml, "/TN", name, "/F");
        }
        finally
        {
            File.Delete(xml);
        }
    }

    /// <summary>Stops the task's running instance, if any (schtasks /End of a task not running is not an error here).</summary>
    private static void End(string name)
    {
        if (Run("/Query", "/TN", name) == 0)
        {
            Run("/End", "/TN", name);
        }
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

    /// <summary>
    /// For doctor: the watch task's state. schtasks prints its status in the system's language, so the state is read
    /// from Get-ScheduledTask, whose <c>State</c> is an enum name (Ready, Running, Disabled, Queued) in any language
    /// (https://learn.microsoft.com/powershell/module/scheduledtasks/get-scheduledtask).
    /// </summary>
    public static WatchServiceStatus WatchStatus()
    {
        var folder = ScheduleDefinitions.WatchTaskName[..(ScheduleDefinitions.WatchTaskName.LastIndexOf('\\') + 1)];
        var name = ScheduleDefinitions.WatchTaskName[folder.Length..];
        var result = SchedulerProcess.Run(
            "powershell.exe",
            ["-NoProfile", "-NonInteractive", "-Command", $"(Get-ScheduledTask -TaskPath '{folder}' -TaskName '{name}' -ErrorAction Stop).State"],
            timeout: Timeout);
        return result.ExitCode != 0 ? WatchServiceStatus.NotInstalled
            : result.Output.Trim() switch
            {
                "Running" => new WatchServiceStatus(WatchServiceState.Running, WatchServiceKind.TaskScheduler),
                "Ready" or "Disabled" or "Queued" => new WatchServiceStatus(WatchServiceState.Stopped, WatchServiceKind.TaskScheduler),
                _ => WatchServiceStatus.Unknown,
            };
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

        if (result.ExitCode != 0 && arguments[0] is not "/Query" and not "/End")
        {
            var message = result.Error.Trim() is { Length: > 0 } text ? text : result.Output.Trim();
            throw new InvalidOperationException($"schtasks {arguments[0]} failed (exit code {result.ExitCode}): {message}");
        }

        return result.ExitCode;
    }

    /// <summary>The scheduler of this machine (see <see cref="Schedulers.ForThisMachine"/>).</summary>
    public static IScheduler ForThisMachine() => Schedulers.ForThisMachine();
}
