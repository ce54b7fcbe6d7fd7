namespace PecLists.Functions.Releases;

/// <summary>
/// What the manifest endpoint answers one site: the <see cref="ReleaseChoice"/>, the release when one is served (null
/// when none is chosen, or the chosen one's manifest expired: <paramref name="Expired"/>), and whether the operator
/// cleared this version for the site after it last blocked it.
/// </summary>
public sealed record SiteRelease(ReleaseChoice Choice, PublishedRelease? Release, bool Expired, bool Cleared);
