using System.Globalization;
using System.Security;
using System.Text;

namespace PecLists.Uploader.Scheduling;

/// <summary>The schedule entries the installer writes, one job description for each scheduler.</summary>
public static class ScheduleDefinitions
{
    /// <summary>Marks our line in a crontab, so install replaces it and uninstall removes it (and nothing else).</summary>
    public const string CronMarker = "# pec-uploader (managed by 'uploader install')";

    public const string TaskName = @"\PEC Uploader\Daily run";

    /// <summary>The Task Scheduler task of the watch service (ADR 0023).</summary>
    public const string WatchTaskName = @"\PEC Uploader\Watch";

    /// <summary>One crontab line (in the run-as user's crontab), with our marker.</summary>
    public static string CronLine(ScheduledJob job) => string.Create(CultureInfo.InvariantCulture,
        $"{job.At.Minute} {job.At.Hour} * * * {Quote(job.ExecutablePath)} run --config {Quote(job.ConfigPath)} >/dev/null 2>&1 {CronMarker}");

    /// <summary>
    /// The watch service on a machine with cron only (ADR 0023): started at boot; cron cannot restart it after a crash,
    /// so the daily line still runs every list once a day.
    /// </summary>
    public static string CronWatchLine(ScheduledJob job) =>
        $"@reboot {Quote(job.ExecutablePath)} watch --config {Quote(job.ConfigPath)} >/dev/null 2>&1 {CronMarker}";

    /// <summary>A crontab with our lines (the daily run, the watch at boot) in place of any earlier ones; other lines are kept as they are.</summary>
    public static string MergeCrontab(string? existing, ScheduledJob? job)
    {
        var lines = (existing ?? string.Empty).Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => !l.Contains(CronMarker, StringComparison.Ordinal))
            .ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (job is not null)
        {
            lines.Add(CronLine(job));
            lines.Add(CronWatchLine(job));
        }

        return lines.Count == 0 ? string.Empty : string.Join('\n', lines) + "\n";
    }

    /// <summary>systemd service + timer. Persistent=true runs a missed job at the next boot (machine was off).</summary>
    public static (string Service, string Timer) SystemdUnits(ScheduledJob job) =>
    (
        $"""
        [Unit]
        Description=PEC lists uploader (daily run)
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=oneshot
        User={job.RunAsUser}
        ExecStart={Quote(job.ExecutablePath)} run --config {Quote(job.ConfigPath)}
        Nice=10
        """,
        string.Create(CultureInfo.InvariantCulture, $"""
        [Unit]
        Description=PEC lists uploader, daily at {job.At:HH\:mm}

        [Timer]
        OnCalendar=*-*-* {job.At:HH\:mm}:00
        Persistent=true

        [Install]
        WantedBy=timers.target
        """)
    );

    /// <summary>
    /// The watch service (ADR 0023): a long-running <c>watch</c>, started at boot and after a crash, stopped by SIGTERM.
    /// </summary>
    public static string SystemdWatchUnit(ScheduledJob job) =>
        $"""
        [Unit]
        Description=PEC lists uploader (lists polled every few minutes)
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=simple
        User={job.RunAsUser}
        ExecStart={Quote(job.ExecutablePath)} watch --config {Quote(job.ConfigPath)}
        Restart=always
        RestartSec=30
        Nice=10

        [Install]
        WantedBy=multi-user.target
        """;

    /// <summary>
    /// The watch service on Windows (ADR 0023): a task started at boot, as the daily run's account, with no time limit
    /// (PT0S) and restarted every minute after a failure; one instance at a time. It also starts once at
    /// <paramref name="startAt"/> (a minute after install, local time), so the service runs without waiting for a reboot
    /// and without <c>schtasks /Run</c>.
    /// </summary>
    public static string WindowsWatchTaskXml(ScheduledJob job, DateTime startAt)
    {
        var start = startAt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var xml = new StringBuilder();
        xml.Append("""<?xml version="1.0" encoding="UTF-16"?>""").Append("\r\n");
        xml.Append(CultureInfo.InvariantCulture, $"""
            <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
              <RegistrationInfo>
                <Description>Polls the PEC lists that run every few minutes and sends them to the central backend.</Description>
                <URI>{Escape(WatchTaskName)}</URI>
              </RegistrationInfo>
              <Triggers>
                <BootTrigger>
                  <Enabled>true</Enabled>
                </BootTrigger>
                <TimeTrigger>
                  <StartBoundary>{start}</StartBoundary>
                  <Enabled>true</Enabled>
                </TimeTrigger>
              </Triggers>
              <Principals>
                <Principal id="Author">
                  <UserId>{Escape(job.RunAsUser)}</UserId>
                  <LogonType>ServiceAccount</LogonType>
                  <RunLevel>LeastPrivilege</RunLevel>
                </Principal>
              </Principals>
              <Settings>
                <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
                <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
                <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
                <StartWhenAvailable>true</StartWhenAvailable>
                <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
                <RestartOnFailure>
                  <Interval>PT1M</Interval>
                  <Count>999</Count>
                </RestartOnFailure>
                <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
                <Enabled>true</Enabled>
                <Priority>7</Priority>
              </Settings>
              <Actions Context="Author">
                <Exec>
                  <Command>{Escape(job.ExecutablePath)}</Command>
                  <Arguments>watch --config "{Escape(job.ConfigPath)}"</Arguments>
                </Exec>
              </Actions>
            </Task>
            """);
        return xml.ToString();
    }

    /// <summary>
    /// Windows Task Scheduler task (schema 1.2), registered with <c>schtasks /Create /XML file /TN name /F</c>.
    /// StartWhenAvailable runs a missed start when the machine comes back; one instance at a time; 4 h limit.
    /// </summary>
    public static string WindowsTaskXml(ScheduledJob job, DateOnly startDate)
    {
        var start = startDate.ToDateTime(job.At).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var xml = new StringBuilder();
        xml.Append("""<?xml version="1.0" encoding="UTF-16"?>""").Append("\r\n");
        xml.Append(CultureInfo.InvariantCulture, $"""
            <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
              <RegistrationInfo>
                <Description>Sends the PEC nominal lists to the central backend once a day.</Description>
                <URI>{Escape(TaskName)}</URI>
              </RegistrationInfo>
              <Triggers>
                <CalendarTrigger>
                  <StartBoundary>{start}</StartBoundary>
                  <Enabled>true</Enabled>
                  <ScheduleByDay>
                    <DaysInterval>1</DaysInterval>
                  </ScheduleByDay>
                </CalendarTrigger>
              </Triggers>
              <Principals>
                <Principal id="Author">
                  <UserId>{Escape(job.RunAsUser)}</UserId>
                  <LogonType>ServiceAccount</LogonType>
                  <RunLevel>LeastPrivilege</RunLevel>
                </Principal>
              </Principals>
              <Settings>
                <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
                <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
                <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
                <StartWhenAvailable>true</StartWhenAvailable>
                <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
                <ExecutionTimeLimit>PT4H</ExecutionTimeLimit>
                <Enabled>true</Enabled>
                <Priority>7</Priority>
              </Settings>
              <Actions Context="Author">
                <Exec>
                  <Command>{Escape(job.ExecutablePath)}</Command>
                  <Arguments>run --config "{Escape(job.ConfigPath)}"</Arguments>
                </Exec>
              </Actions>
            </Task>
            """);
        return xml.ToString();
    }

    private static string Escape(string value) => SecurityElement.Escape(value);

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
