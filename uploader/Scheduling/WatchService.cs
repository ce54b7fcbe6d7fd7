namespace PecLists.Uploader.Scheduling;

/// <summary>
/// For doctor: whether the watch service (ADR 0023) is installed and running on this machine, however install
/// registered it (a systemd unit, an <c>@reboot</c> crontab line, a Task Scheduler task).
/// </summary>
public static class WatchService
{
    public static WatchServiceStatus Here(string configPath)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                return WindowsTaskScheduler.WatchStatus();
            }

            if (SystemdScheduler.RunsHere && new SystemdScheduler().WatchStatus() is { State: not WatchServiceState.NotInstalled } systemd)
            {
                return systemd;
            }

            return FromCron(Crontab.Read(), () => WatchProcesses.AnyRunning(configPath));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return WatchServiceStatus.Unknown; // no scheduler to ask (crontab or systemctl missing)
        }
    }

    /// <summary>Installed with cron when the crontab holds our <c>@reboot … watch</c> line; running when such a process is alive.</summary>
    public static WatchServiceStatus FromCron(string? crontab, Func<bool> anyRunning)
    {
        var installed = (crontab ?? string.Empty).Split('\n').Any(line =>
            line.TrimStart().StartsWith("@reboot", StringComparison.Ordinal)
            && line.Contains(" watch --config ", StringComparison.Ordinal)
            && line.Contains(ScheduleDefinitions.CronMarker, StringComparison.Ordinal));
        return !installed ? WatchServiceStatus.NotInstalled
            : new WatchServiceStatus(anyRunning() ? WatchServiceState.Running : WatchServiceState.Stopped, WatchServiceKind.Cron);
    }
}
