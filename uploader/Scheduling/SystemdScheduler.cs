using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Scheduling;

/// <summary>
/// A systemd timer (pec-uploader.timer starting pec-uploader.service) in the system unit folder. Unlike cron,
/// Persistent=true runs a start missed while the machine was off as soon as it is back. Beside it, the watch service
/// (pec-uploader-watch.service, ADR 0023) for the lists that run every few minutes, restarted on every install so it
/// runs the binary just installed.
/// </summary>
public sealed class SystemdScheduler(string unitDirectory, Func<IReadOnlyList<string>, int> systemctl) : IScheduler
{
    public const string UnitName = "pec-uploader";

    public const string WatchUnitName = "pec-uploader-watch";

    public SystemdScheduler()
        : this("/etc/systemd/system", RunSystemctl)
    {
    }

    /// <summary>Whether systemd is the init system here (its documented test: /run/systemd/system exists).</summary>
    public static bool RunsHere => Directory.Exists("/run/systemd/system");

    private string ServicePath => Path.Combine(unitDirectory, UnitName + ".service");

    private string TimerPath => Path.Combine(unitDirectory, UnitName + ".timer");

    private string WatchPath => Path.Combine(unitDirectory, WatchUnitName + ".service");

    public string Register(ScheduledJob job)
    {
        var (service, timer) = ScheduleDefinitions.SystemdUnits(job);
        Directory.CreateDirectory(unitDirectory);
        var changed = WriteIfChanged(ServicePath, service) | WriteIfChanged(TimerPath, timer) | WriteIfChanged(WatchPath, ScheduleDefinitions.SystemdWatchUnit(job));
        if (changed)
        {
            Systemctl("daemon-reload");
        }

        Systemctl("enable", "--now", UnitName + ".timer");
        Systemctl("enable", WatchUnitName + ".service");
        Systemctl("restart", WatchUnitName + ".service");
        return Localized.Text($"as the systemd timer {UnitName}.timer", $"como o timer do systemd {UnitName}.timer");
    }

    public void Unregister()
    {
        if (!File.Exists(TimerPath) && !File.Exists(ServicePath) && !File.Exists(WatchPath))
        {
            return;
        }

        systemctl(["disable", "--now", UnitName + ".timer"]); // already disabled is fine
        systemctl(["disable", "--now", WatchUnitName + ".service"]);
        File.Delete(TimerPath);
        File.Delete(ServicePath);
        File.Delete(WatchPath);
        Systemctl("daemon-reload");
    }

    /// <summary>
    /// For doctor: the watch unit is installed when its file is here and enabled, running when systemd says it is active
    /// (<c>systemctl is-active</c> exits 0 only for an active unit).
    /// </summary>
    public WatchServiceStatus WatchStatus() =>
        !File.Exists(WatchPath) || systemctl(["is-enabled", "--quiet", WatchUnitName + ".service"]) != 0 ? WatchServiceStatus.NotInstalled
        : new WatchServiceStatus(systemctl(["is-active", "--quiet", WatchUnitName + ".service"]) == 0 ? WatchServiceState.Running : WatchServiceState.Stopped, WatchServiceKind.Systemd);

    public string? Current() =>
        File.Exists(TimerPath) && systemctl(["is-enabled", "--quiet", UnitName + ".timer"]) == 0 ? ScheduleDefinitions.CronMarker : string.Empty;

    private void Systemctl(params string[] arguments)
    {
        var exit = systemctl(arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException(Localized.Text(
                $"systemctl {string.Join(' ', arguments)} failed (exit code {exit}); see: journalctl -xe",
                $"systemctl {string.Join(' ', arguments)} falhou (código {exit}); veja: journalctl -xe"));
        }
    }

    private static bool WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content)
        {
            return false;
        }

        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        return true;
    }

    private static int RunSystemctl(IReadOnlyList<string> arguments) => SchedulerProcess.Run("systemctl", arguments).ExitCode;
}
