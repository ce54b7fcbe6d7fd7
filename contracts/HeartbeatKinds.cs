namespace PecLists.Contracts;

/// <summary>What sent a heartbeat (<c>kind</c> of POST /api/v1/heartbeats): a run, a doctor, or an install.</summary>
public static class HeartbeatKinds
{
    public const string Run = "run";
    public const string Doctor = "doctor";
    public const string Install = "install";
}
