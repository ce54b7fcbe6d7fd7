namespace PecLists.Contracts;

/// <summary>The <c>kind</c> of a heartbeat: what the uploader was doing when it reported.</summary>
public static class HeartbeatKinds
{
    public const string Run = "run";
    public const string Doctor = "doctor";
    public const string Install = "install";
}
