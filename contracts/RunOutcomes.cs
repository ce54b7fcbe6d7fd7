namespace PecLists.Contracts;

/// <summary>The <c>outcome</c> of an uploader run, as a heartbeat (and an unreported run) reports it.</summary>
public static class RunOutcomes
{
    public const string Ok = "ok";
    public const string Failed = "failed";
}
