namespace PecLists.Functions.Releases;

/// <summary>
/// One site in a runtime's rollout (<c>releases status</c>): what it runs (its last heartbeat), what it is offered and
/// why, its last self-update report, and whether it blocks the offered version (rolled back, not cleared since).
/// </summary>
public sealed record SiteRollout(
    string Site,
    string Name,
    string? Running,
    string? Offered,
    string Why,
    string? UpdateState,
    string? UpdateVersion,
    string? UpdateReason,
    bool BlocksOffered)
{
    /// <summary>On the version it is offered: its heartbeat says so, or its last update report installed it.</summary>
    public bool OnOffered => Offered is not null && (Running == Offered || (UpdateState == Contracts.UpdateStates.Updated && UpdateVersion == Offered));

    /// <summary>Its last report is a failure or rollback of the version it is offered.</summary>
    public bool FailedOffered => Offered is not null && UpdateVersion == Offered
        && UpdateState is Contracts.UpdateStates.UpdateFailed or Contracts.UpdateStates.RolledBack;
}
