namespace PecLists.Contracts;

/// <summary>The heartbeat's <c>update.state</c>: what the uploader's self-update did since the last heartbeat.</summary>
public static class UpdateStates
{
    /// <summary>A new release passed its checks and doctor and is now the one that runs.</summary>
    public const string Updated = "updated";

    /// <summary>A release was offered but not installed (bad download, signature, doctor...): the old one still runs.</summary>
    public const string UpdateFailed = "update-failed";

    /// <summary>A release that was installed crashed at start or failed its first real run; the previous one runs again.</summary>
    public const string RolledBack = "rolled-back";
}
