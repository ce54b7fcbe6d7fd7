using System.Text;
using System.Xml.Linq;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Tests;

public sealed class SchedulingTests
{
    private static readonly TimeOnly WindowStart = new(1, 0);
    private static readonly TimeSpan Window = TimeSpan.FromHours(5);

    [Fact]
    public void A_site_always_gets_the_same_time_inside_the_window()
    {
        var first = ScheduleTime.For("2611606", WindowStart, Window);

        Assert.Equal(first, ScheduleTime.For("2611606", WindowStart, Window));
        Assert.InRange(first, WindowStart, WindowStart.Add(Window).AddMinutes(-1));
    }

    [Fact]
    public void Six_hundred_and_fifty_sites_spread_over_the_window_instead_of_firing_together()
    {
        var sites = Enumerable.Range(0, 650).Select(i => (1_100_000 + (i * 7919)).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var perMinute = sites.Select(s => ScheduleTime.For(s, WindowStart, Window)).GroupBy(t => t).Select(g => g.Count()).ToList();

        Assert.True(perMinute.Count > 250, $"only {perMinute.Count} distinct minutes");
        Assert.True(perMinute.Max() <= 8, $"{perMinute.Max()} sites in one minute");
    }

    private static readonly ScheduledJob Job = new("/usr/local/bin/uploader", "/etc/pec-uploader/config.json", new TimeOnly(3, 7), "pec-uploader");

    [Fact]
    public void The_cron_line_runs_the_job_daily_at_the_site_time_with_our_marker()
    {
        var line = ScheduleDefinitions.CronLine(Job);

        var fields = line.Split(' ');
        Assert.Equal(["7", "3", "*", "*", "*", "/usr/local/bin/uploader", "run", "--config", "/etc/pec-uploader/config.json"], fields[..9]);
        Assert.EndsWith(ScheduleDefinitions.CronMarker, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Installing_twice_keeps_our_two_lines_and_other_entries_untouched_and_uninstall_removes_only_ours()
    {
        const string existing = "MAILTO=ti@municipio.gov.br\n0 2 * * * /opt/backup.sh\n";

        var once = ScheduleDefinitions.MergeCrontab(existing, Job);
        var twice = ScheduleDefinitions.MergeCrontab(once, Job with { At = new TimeOnly(4, 30) });
        var removed = ScheduleDefinitions.MergeCrontab(twice, null);

        Assert.Equal(once, ScheduleDefinitions.MergeCrontab(once, Job));
        Assert.Equal(
            [ScheduleDefinitions.CronLine(Job with { At = new TimeOnly(4, 30) }), ScheduleDefinitions.CronWatchLine(Job)],
            twice.Split('\n').Where(l => l.Contains(ScheduleDefinitions.CronMarker, StringComparison.Ordinal)));
        Assert.Contains("30 4 * * *", twice, StringComparison.Ordinal);
        Assert.Equal(existing, removed);
    }

    [Fact]
    public void On_cron_the_watch_starts_at_boot_with_our_marker()
    {
        var line = ScheduleDefinitions.CronWatchLine(Job);

        Assert.StartsWith("@reboot /usr/local/bin/uploader watch --config /etc/pec-uploader/config.json ", line, StringComparison.Ordinal);
        Assert.EndsWith(ScheduleDefinitions.CronMarker, line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_systemd_watch_service_runs_watch_as_the_run_user_restarts_always_and_starts_at_boot()
    {
        var unit = ScheduleDefinitions.SystemdWatchUnit(Job with { ExecutablePath = "/opt/PEC Uploader/uploader" });

        Assert.Contains("ExecStart=\"/opt/PEC Uploader/uploader\" watch --config /etc/pec-uploader/config.json", unit, StringComparison.Ordinal);
        Assert.Contains("Type=simple", unit, StringComparison.Ordinal);
        Assert.Contains("Restart=always", unit, StringComparison.Ordinal);
        Assert.Contains("User=pec-uploader", unit, StringComparison.Ordinal);
        Assert.Contains("WantedBy=multi-user.target", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void The_windows_watch_task_starts_at_boot_and_once_after_install_without_a_time_limit_and_restarts_after_a_failure()
    {
        var job = new ScheduledJob(@"C:\Program Files\PEC Uploader\uploader.exe", @"C:\ProgramData\PecUploader\config & ""teste"".json", new TimeOnly(2, 45), "NT AUTHORITY\\SYSTEM");

        var xml = ScheduleDefinitions.WindowsWatchTaskXml(job, new DateTime(2026, 12, 7, 10, 31, 0));

        var document = XDocument.Load(new MemoryStream(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(xml)).ToArray()));
        XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
        var task = document.Root!;
        Assert.Equal(["RegistrationInfo", "Triggers", "Principals", "Settings", "Actions"], task.Elements().Select(e => e.Name.LocalName));
        Assert.NotNull(task.Element(ns + "Triggers")!.Element(ns + "BootTrigger"));
        Assert.Equal("2026-12-07T10:31:00", task.Element(ns + "Triggers")!.Element(ns + "TimeTrigger")!.Element(ns + "StartBoundary")!.Value);
        var settings = task.Element(ns + "Settings")!;
        Assert.Equal("PT0S", settings.Element(ns + "ExecutionTimeLimit")!.Value);
        Assert.Equal("PT1M", settings.Element(ns + "RestartOnFailure")!.Element(ns + "Interval")!.Value);
        Assert.Equal("IgnoreNew", settings.Element(ns + "MultipleInstancesPolicy")!.Value);
        var exec = task.Element(ns + "Actions")!.Element(ns + "Exec")!;
        Assert.Equal(job.ExecutablePath, exec.Element(ns + "Command")!.Value);
        Assert.Equal($"watch --config \"{job.ConfigPath}\"", exec.Element(ns + "Arguments")!.Value);
        Assert.Equal(ScheduleDefinitions.WatchTaskName, task.Element(ns + "RegistrationInfo")!.Element(ns + "URI")!.Value);
    }

    [Fact]
    public void Paths_with_spaces_are_quoted_in_cron_and_systemd()
    {
        var job = Job with { ExecutablePath = "/opt/PEC Uploader/uploader" };

        Assert.Contains("\"/opt/PEC Uploader/uploader\" run", ScheduleDefinitions.CronLine(job), StringComparison.Ordinal);
        Assert.Contains("ExecStart=\"/opt/PEC Uploader/uploader\" run", ScheduleDefinitions.SystemdUnits(job).Service, StringComparison.Ordinal);
    }

    [Fact]
    public void The_systemd_timer_catches_up_after_the_machine_was_off()
    {
        var (service, timer) = ScheduleDefinitions.SystemdUnits(Job);

        Assert.Contains("OnCalendar=*-*-* 03:07:00", timer, StringComparison.Ordinal);
        Assert.Contains("Persistent=true", timer, StringComparison.Ordinal);
        Assert.Contains("User=pec-uploader", service, StringComparison.Ordinal);
        Assert.Contains("Type=oneshot", service, StringComparison.Ordinal);
    }

    [Fact]
    public void The_windows_task_xml_is_schema_shaped_with_the_right_command_time_and_user()
    {
        var job = new ScheduledJob(@"C:\Program Files\PEC Uploader\uploader.exe", @"C:\ProgramData\PecUploader\config & ""teste"".json", new TimeOnly(2, 45), "NT AUTHORITY\\SYSTEM");

        var xml = ScheduleDefinitions.WindowsTaskXml(job, new DateOnly(2026, 11, 25));

        // schtasks reads the file as UTF-16, as its declaration says: round-trip it that way.
        var document = XDocument.Load(new MemoryStream(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(xml)).ToArray()));
        XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
        var task = document.Root!;
        Assert.Equal(ns + "Task", task.Name);
        Assert.Equal("1.2", task.Attribute("version")!.Value);
        Assert.Equal(["RegistrationInfo", "Triggers", "Principals", "Settings", "Actions"], task.Elements().Select(e => e.Name.LocalName));
        var trigger = task.Element(ns + "Triggers")!.Element(ns + "CalendarTrigger")!;
        Assert.Equal("2026-11-25T02:45:00", trigger.Element(ns + "StartBoundary")!.Value);
        Assert.Equal("1", trigger.Element(ns + "ScheduleByDay")!.Element(ns + "DaysInterval")!.Value);
        var principal = task.Element(ns + "Principals")!.Element(ns + "Principal")!;
        Assert.Equal("NT AUTHORITY\\SYSTEM", principal.Element(ns + "UserId")!.Value);
        Assert.Equal("LeastPrivilege", principal.Element(ns + "RunLevel")!.Value);
        var settings = task.Element(ns + "Settings")!;
        Assert.Equal("true", settings.Element(ns + "StartWhenAvailable")!.Value);
        Assert.Equal("IgnoreNew", settings.Element(ns + "MultipleInstancesPolicy")!.Value);
        var exec = task.Element(ns + "Actions")!.Element(ns + "Exec")!;
        Assert.Equal(job.ExecutablePath, exec.Element(ns + "Command")!.Value);
        Assert.Equal($"run --config \"{job.ConfigPath}\"", exec.Element(ns + "Arguments")!.Value);
    }
}
