namespace PecLists.Uploader.Scheduling;

/// <summary>Where the daily run is registered (cron, a systemd timer, Task Scheduler); swapped in tests.</summary>
public interface IScheduler
{
    /// <summary>Registers (or replaces) the job; returns a short description of where, for the install report.</summary>
    string Register(ScheduledJob job);

    /// <summary>Removes the job if it is registered; does nothing otherwise.</summary>
    void Unregister();

    /// <summary>For doctor: text containing <see cref="ScheduleDefinitions.CronMarker"/> when the job is registered (null when unknown).</summary>
    string? Current();
}
