namespace HostStandIn;

/// <summary>
/// The timer extension's ScheduleStatus (Azure/azure-webjobs-sdk-extensions src/WebJobs.Extensions/Extensions/Timers/
/// Scheduling/ScheduleStatus.cs): local times, serialized by Json.NET with their offset.
/// </summary>
public sealed class TimerScheduleStatus
{
    public DateTime Last { get; init; }

    public DateTime Next { get; init; }

    public DateTime LastUpdated { get; init; }
}
