namespace PecLists.Uploader.Scheduling;

/// <summary>What doctor sees of the watch service (ADR 0023) on this machine.</summary>
public enum WatchServiceState
{
    /// <summary>This system cannot tell (no scheduler it knows answered).</summary>
    Unknown,

    /// <summary>Neither the systemd unit, the <c>@reboot</c> crontab line nor the Task Scheduler task is there.</summary>
    NotInstalled,

    /// <summary>Installed, but no <c>watch</c> is running now: minute-level lists wait for the daily run.</summary>
    Stopped,

    /// <summary>Installed and running.</summary>
    Running,
}
