namespace PecLists.Uploader.Scheduling;

/// <summary>What the schedule runs: the executable, its config, and the daily time.</summary>
public sealed record ScheduledJob(string ExecutablePath, string ConfigPath, TimeOnly At, string RunAsUser);
