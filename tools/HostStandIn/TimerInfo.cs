namespace HostStandIn;

/// <summary>
/// What the host hands a timer function as its trigger value, mirrored property for property so that Json.NET writes
/// the same object: <c>{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{…}|null,"IsPastDue":false}</c>
/// (azure-webjobs-sdk-extensions Timers/TimerInfo.cs; CronSchedule's only public property is the obsolete
/// AdjustForDST, always true). ScheduleStatus is null unless the schedule monitor is on (TimerListener.InvokeJobFunction).
/// </summary>
public sealed class TimerInfo(TimerScheduleStatus? status, bool isPastDue)
{
    public CronScheduleValue Schedule { get; } = new();

    public TimerScheduleStatus? ScheduleStatus { get; } = status;

    public bool IsPastDue { get; } = isPastDue;

    /// <summary>The public face of the extension's CronSchedule.</summary>
    public sealed class CronScheduleValue
    {
        public bool AdjustForDST => true;
    }
}
