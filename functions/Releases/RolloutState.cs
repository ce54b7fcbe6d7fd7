namespace PecLists.Functions.Releases;

/// <summary>
/// The rollout of one runtime (ingest.release_rollouts): what every site gets (<paramref name="CurrentVersion"/>), what
/// the canary set gets first (<paramref name="CanaryVersion"/> for the named <paramref name="CanarySites"/> and the
/// <paramref name="CanaryPercent"/> share chosen by <see cref="CanaryBucket"/>), and whether it is halted.
/// </summary>
public sealed record RolloutState(
    string Runtime,
    string? CurrentVersion,
    string? CanaryVersion,
    IReadOnlyList<string> CanarySites,
    int CanaryPercent,
    bool Halted,
    DateTimeOffset ChangedAt,
    string ChangedBy)
{
    /// <summary>True when <paramref name="site"/> is in the canary set (named, or in the hashed share).</summary>
    public bool InCanary(string site) =>
        CanaryVersion is not null && (CanarySites.Contains(site, StringComparer.Ordinal) || CanaryBucket.IsIn(site, CanaryPercent));
}
