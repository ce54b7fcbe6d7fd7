namespace PecLists.Functions.Releases;

/// <summary>
/// A runtime's rollout as <c>releases status</c> shows it: the state, the version being rolled out (the canary's, else
/// the current one), and per site what it runs and is offered. A site belongs to a runtime by the OS of its last heartbeat.
/// </summary>
public sealed record RolloutProgress(string Runtime, RolloutState? Rollout, IReadOnlyList<SiteRollout> Sites)
{
    /// <summary>The version being rolled out now: the canary's while there is one, else the current one.</summary>
    public string? Target => Rollout?.CanaryVersion ?? Rollout?.CurrentVersion;

    /// <summary>The sites offered <see cref="Target"/> (the canary set while in canary; every unpinned site once promoted).</summary>
    public IReadOnlyList<SiteRollout> TargetSites => [.. Sites.Where(s => Target is not null && s.Offered == Target)];

    public int OnTarget => TargetSites.Count(s => s.OnOffered);

    public int Failed => TargetSites.Count(s => s.FailedOffered);

    /// <summary>Failed sites over the sites offered the target: the share the alert watches (0 with no target site).</summary>
    public double FailureShare => TargetSites.Count == 0 ? 0 : (double)Failed / TargetSites.Count;
}
