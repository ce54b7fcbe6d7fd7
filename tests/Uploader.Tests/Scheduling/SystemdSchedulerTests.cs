using System.Diagnostics;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Tests;

/// <summary>
/// systemd does not run on this machine (no PID 1 systemd), so systemctl is recorded, not run; the unit files are
/// checked by the real <c>systemd-analyze verify</c>, which parses them as systemd would.
/// </summary>
public sealed class SystemdSchedulerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<string> _systemctl = [];
    private bool _enabled;

    public void Dispose() => _dir.Dispose();

    private SystemdScheduler Scheduler() => new(_dir.Combine("units"), arguments =>
    {
        _systemctl.Add(string.Join(' ', arguments));
        switch (arguments[0])
        {
            case "enable":
                _enabled = true;
                return 0;
            case "disable":
                _enabled = false;
                return 0;
            case "is-enabled":
                return _enabled ? 0 : 1;
            default:
                return 0;
        }
    });

    private ScheduledJob Job(TimeOnly at)
    {
        var executable = _dir.Combine("PEC Uploader", "uploader");
        Directory.CreateDirectory(Path.GetDirectoryName(executable)!);
        File.WriteAllText(executable, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new ScheduledJob(executable, _dir.Combine("config.json"), at, "root");
    }

    [Fact]
    public void Register_writes_units_systemd_accepts_enables_the_timer_and_doctor_sees_it()
    {
        var scheduler = Scheduler();
        Assert.DoesNotContain(ScheduleDefinitions.CronMarker, scheduler.Current() ?? string.Empty, StringComparison.Ordinal);

        scheduler.Register(Job(new TimeOnly(2, 41)));

        Assert.Equal(["daemon-reload", "enable --now pec-uploader.timer", "enable pec-uploader-watch.service", "restart pec-uploader-watch.service"], _systemctl);
        var timer = _dir.Combine("units", "pec-uploader.timer");
        Assert.Contains("OnCalendar=*-*-* 02:41:00", File.ReadAllText(timer), StringComparison.Ordinal);
        var (exit, output) = Verify(_dir.Combine("units", "pec-uploader.service"), timer, _dir.Combine("units", "pec-uploader-watch.service"));
        Assert.True(exit == 0, $"systemd-analyze verify: {output}");
        Assert.Contains(ScheduleDefinitions.CronMarker, scheduler.Current(), StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_again_unchanged_reloads_nothing_and_a_new_time_reloads_once()
    {
        var scheduler = Scheduler();
        scheduler.Register(Job(new TimeOnly(2, 41)));
        _systemctl.Clear();

        scheduler.Register(Job(new TimeOnly(2, 41)));
        Assert.Equal(["enable --now pec-uploader.timer", "enable pec-uploader-watch.service", "restart pec-uploader-watch.service"], _systemctl);

        _systemctl.Clear();
        scheduler.Register(Job(new TimeOnly(4, 5)));
        Assert.Equal(["daemon-reload", "enable --now pec-uploader.timer", "enable pec-uploader-watch.service", "restart pec-uploader-watch.service"], _systemctl);
        Assert.Contains("OnCalendar=*-*-* 04:05:00", File.ReadAllText(_dir.Combine("units", "pec-uploader.timer")), StringComparison.Ordinal);
    }

    [Fact]
    public void Unregister_disables_and_removes_both_units_and_is_a_no_op_when_nothing_is_there()
    {
        var scheduler = Scheduler();
        scheduler.Register(Job(new TimeOnly(2, 41)));
        _systemctl.Clear();

        scheduler.Unregister();

        Assert.Equal(["disable --now pec-uploader.timer", "disable --now pec-uploader-watch.service", "daemon-reload"], _systemctl);
        Assert.Empty(Directory.GetFiles(_dir.Combine("units")));
        Assert.Equal(string.Empty, scheduler.Current());

        _systemctl.Clear();
        scheduler.Unregister();
        Assert.Empty(_systemctl);
    }

    [Fact]
    public void A_failing_systemctl_is_an_error_that_names_the_command()
    {
        var scheduler = new SystemdScheduler(_dir.Combine("units"), arguments => arguments[0] == "enable" ? 1 : 0);

        var error = Assert.Throws<InvalidOperationException>(() => scheduler.Register(Job(new TimeOnly(2, 41))));

        Assert.Contains("systemctl enable --now pec-uploader.timer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Switching_scheduler_removes_the_job_from_the_other_one()
    {
        var cron = new RecordingScheduler();
        cron.Register(Job(new TimeOnly(1, 0)));

        new ExclusiveScheduler(Scheduler(), cron).Register(Job(new TimeOnly(2, 41)));

        Assert.False(cron.Registered);
        Assert.True(_enabled);

        new ExclusiveScheduler(cron, Scheduler()).Register(Job(new TimeOnly(2, 41)));

        Assert.True(cron.Registered);
        Assert.False(_enabled);
        Assert.Empty(Directory.GetFiles(_dir.Combine("units")));
    }

    private static (int Exit, string Output) Verify(params string[] units)
    {
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("verify");
        foreach (var unit in units)
        {
            start.ArgumentList.Add(unit);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private sealed class RecordingScheduler : IScheduler
    {
        public bool Registered { get; private set; }

        public string Register(ScheduledJob job)
        {
            Registered = true;
            return "recorded";
        }

        public void Unregister() => Registered = false;

        public string? Current() => Registered ? ScheduleDefinitions.CronMarker : string.Empty;
    }
}
