using System.Diagnostics;
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
        var start = new ProcessStartInfo("schtasks") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("schtasks could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"schtasks {arguments[0]} did not finish within {Timeout.TotalSeconds:N0} s; is the Task Scheduler service running?");
        }

        // schtasks has exited, yet under Wine its pipes stayed open for good (held, it seems, by the Task Scheduler
        // service it got started) and install hung: read what is there for a few seconds, never until the pipes close.
        Task.WaitAll([output, error], TimeSpan.FromSeconds(5));
        if (process.ExitCode != 0 && arguments[0] != "/Query")
        {
            var message = error.IsCompletedSuccessfully && error.Result.Trim() is { Length: > 0 } text ? text
                : output.IsCompletedSuccessfully ? output.Result.Trim() : string.Empty;
            throw new InvalidOperationException($"schtasks {arguments[0]} failed (exit code {process.ExitCode}): {message}");
        }

        return process.ExitCode;
    }

    /// <summary>The scheduler of this machine (see <see cref="Schedulers.ForThisMachine"/>).</summary>
    public static IScheduler ForThisMachine() => Schedulers.ForThisMachine();
}
