namespace PecLists.Functions.Releases;

/// <summary>
/// Which version one site should run now, and why (for the operator: a pin, the canary, the fleet's current release, or
/// nothing because the rollout is halted or absent). Null version: the site is offered nothing.
/// </summary>
public sealed record ReleaseChoice(string? Version, string Why)
{
    public const string Pinned = "pinned";
    public const string Canary = "canary";
    public const string Current = "current";
    public const string Halted = "halted";
    public const string NoRollout = "no-rollout";

    /// <summary>
    /// The rules, in order: a pin wins over everything (halt included: pinning is how an operator moves one site during
    /// a halt); a halted rollout offers nothing (sites stay where they are); a site in the canary set gets the canary
    /// version; every other site gets the current version; with neither, nothing.
    /// </summary>
    public static ReleaseChoice For(string site, string? pinnedVersion, RolloutState? rollout)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (pinnedVersion is not null)
        {
            return new(pinnedVersion, Pinned);
        }

        if (rollout is null)
        {
            return new(null, NoRollout);
        }

        if (rollout.Halted)
        {
            return new(null, Halted);
        }

        if (rollout.InCanary(site))
        {
            return new(rollout.CanaryVersion, Canary);
        }

        return rollout.CurrentVersion is { } current ? new(current, Current) : new(null, NoRollout);
    }
}
