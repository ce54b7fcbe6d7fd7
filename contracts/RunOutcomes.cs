namespace PecLists.Contracts;

/// <summary>The <c>outcome</c> of a heartbeat and of an unreported run: everything went, or something failed.</summary>
public static class RunOutcomes
{
    public const string Ok = "ok";
    public const string Failed = "failed";
}
