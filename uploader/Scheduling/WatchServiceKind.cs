namespace PecLists.Uploader.Scheduling;

/// <summary>How the watch service is installed here, which decides how an IT person starts it.</summary>
public enum WatchServiceKind
{
    /// <summary>None found.</summary>
    None,

    /// <summary>The systemd unit <c>pec-uploader-watch.service</c>.</summary>
    Systemd,

    /// <summary>An <c>@reboot</c> line in the crontab (machines without systemd, or installed without root).</summary>
    Cron,

    /// <summary>The Task Scheduler task <c>\PEC Uploader\Watch</c>.</summary>
    TaskScheduler,
}
