namespace PecLists.Uploader.Scheduling;

/// <summary>Which scheduler registers the daily run on this machine.</summary>
public static class Schedulers
{
    /// <summary>
    /// Windows: Task Scheduler. Linux: a systemd timer where systemd runs and we are root (system units need root),
    /// else the user's crontab; <paramref name="preference"/> ("cron" / "systemd") overrides. Registering with one
    /// removes our entry from the other, so a machine never runs the job twice after switching.
    /// </summary>
    public static IScheduler ForThisMachine(string? preference = null)
    {
        if (OperatingSystem.IsWindows())
        {
            return new WindowsTaskScheduler();
        }

        var useSystemd = preference?.ToLowerInvariant() switch
        {
            "systemd" => true,
            "cron" => false,
            _ => SystemdScheduler.RunsHere && Environment.IsPrivilegedProcess,
        };
        return useSystemd
            ? new ExclusiveScheduler(new SystemdScheduler(), new CronScheduler())
            : new ExclusiveScheduler(new CronScheduler(), new SystemdScheduler());
    }

    /// <summary>For doctor: the job counts as registered in whichever scheduler holds it (null when none can tell).</summary>
    public static string? CurrentOfAll()
    {
        var texts = All().Select(s => s.Current()).Where(t => t is not null).ToList();
        return texts.Count == 0 ? null : string.Concat(texts);
    }

    /// <summary>Every scheduler that may hold our job here (uninstall removes it from all).</summary>
    public static IReadOnlyList<IScheduler> All() =>
        OperatingSystem.IsWindows() ? [new WindowsTaskScheduler()] : [new CronScheduler(), new SystemdScheduler()];
}
