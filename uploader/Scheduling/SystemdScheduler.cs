using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Scheduling;

/// <summary>
/// A systemd timer (pec-uploader.timer starting pec-uploader.service) in the system unit folder. Unlike cron,
/// Persistent=true runs a start missed while the machine was off as soon as it is back.
/// </summary>
public sealed class SystemdScheduler(string unitDirectory, Func<IReadOnlyList<string>, int> systemctl) : IScheduler
{
    public const string UnitName = "pec-uploader";

    public SystemdScheduler()
        : this("/etc/systemd/system", RunSystemctl)
    {
    }

    /// <summary>Whether systemd is the init system here (its documented test: /run/systemd/system exists).</summary>
    public static bool RunsHere => Directory.Exists("/run/systemd/system");

    private string ServicePath => Path.Combine(unitDirectory, UnitName + ".service");

    private string TimerPath => Path.Combine(unitDirectory, UnitName + ".timer");

    public string Register(ScheduledJob job)
    {
        var (service, timer) = ScheduleDefinitions.SystemdUnits(job);
        Directory.CreateDirectory(unitDirectory);
        var changed = WriteIfChanged(ServicePath, service) | WriteIfChanged(TimerPath, timer);
        if (changed)
        {
            Systemctl("daemon-reload");
        }

        Systemctl("enable", "--now", UnitName + ".timer");
        return Localized.Text($"as the systemd timer {UnitName}.timer", $"como o timer do systemd {UnitName}.timer");
    }

    public void Unregister()
    {
        if (!File.Exists(TimerPath) && !File.Exists(ServicePath))
        {
            return;
        }

        systemctl(["disable", "--now", UnitName + ".timer"]); // already disabled is fine
        File.Delete(TimerPath);
        File.Delete(ServicePath);
        Systemctl("daemon-reload");
    }

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
