using System.Diagnostics;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Tests;

/// <summary>
/// How doctor reads the watch service (ADR 0023): the systemd unit through systemctl (recorded, systemd does not run
/// here), the cron <c>@reboot</c> line in a crontab's text, and a running <c>watch --config</c> process in the real /proc.
/// </summary>
public sealed class WatchServiceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false, 0, 0, WatchServiceState.NotInstalled)]
    [InlineData(true, 1, 0, WatchServiceState.NotInstalled)]
    [InlineData(true, 0, 3, WatchServiceState.Stopped)]
    [InlineData(true, 0, 0, WatchServiceState.Running)]
    public void The_systemd_watch_unit_is_installed_when_its_file_is_there_and_enabled_and_runs_when_active(bool unitFile, int isEnabled, int isActive, WatchServiceState expected)
    {
        var units = _dir.Combine("units");
        Directory.CreateDirectory(units);
        if (unitFile)
        {
            File.WriteAllText(Path.Combine(units, SystemdScheduler.WatchUnitName + ".service"), "[Service]\n");
        }

        var asked = new List<string>();
        var scheduler = new SystemdScheduler(units, arguments =>
        {
            asked.Add(string.Join(' ', arguments));
            return arguments[0] switch { "is-enabled" => isEnabled, "is-active" => isActive, _ => 99 };
        });

        var status = scheduler.WatchStatus();

        Assert.Equal(expected, status.State);
        Assert.Equal(expected == WatchServiceState.NotInstalled ? WatchServiceKind.None : WatchServiceKind.Systemd, status.Kind);
        Assert.All(asked, a => Assert.EndsWith(SystemdScheduler.WatchUnitName + ".service", a, StringComparison.Ordinal));
    }

    [Fact]
    public void The_cron_watch_is_installed_only_with_our_reboot_line_and_runs_when_a_watch_process_is_alive()
    {
        var job = new ScheduledJob("/opt/pec-uploader/uploader", "/etc/pec-uploader/config.json", new TimeOnly(2, 41), "pec");
        var installed = ScheduleDefinitions.MergeCrontab("MAILTO=\"\"\n", job);
        var dailyOnly = ScheduleDefinitions.CronLine(job) + "\n";
        var someoneElses = "@reboot /usr/bin/other watch --config /etc/other.json\n";

        Assert.Equal(WatchServiceState.NotInstalled, WatchService.FromCron(null, () => true).State);
        Assert.Equal(WatchServiceState.NotInstalled, WatchService.FromCron(dailyOnly, () => true).State);
        Assert.Equal(WatchServiceState.NotInstalled, WatchService.FromCron(someoneElses, () => true).State);
        Assert.Equal(new WatchServiceStatus(WatchServiceState.Stopped, WatchServiceKind.Cron), WatchService.FromCron(installed, () => false));
        Assert.Equal(new WatchServiceStatus(WatchServiceState.Running, WatchServiceKind.Cron), WatchService.FromCron(installed, () => true));
    }

    [Fact]
    public void A_watch_process_of_this_config_is_found_in_proc_and_one_of_another_config_or_command_is_not()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc is Linux's; Windows reads the task's state from Task Scheduler
        }

        var config = _dir.Combine("config.json");
        Assert.False(WatchProcesses.AnyRunning(config));

        // A real process whose arguments read as the uploader's watch: sh ignores the arguments after its script.
        using var watch = Start("/bin/sh", "-c", "sleep 60", "watch", "--config", config);
        using var other = Start("/bin/sh", "-c", "sleep 60", "run", "--config", _dir.Combine("other.json"));
        try
        {
            Assert.True(WatchProcesses.AnyRunning(config));
            Assert.False(WatchProcesses.AnyRunning(_dir.Combine("other.json")));
        }
        finally
        {
            watch.Kill();
            other.Kill();
            watch.WaitForExit();
            other.WaitForExit();
        }

        Assert.False(WatchProcesses.AnyRunning(config));
    }

    private static Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
