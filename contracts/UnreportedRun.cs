namespace PecLists.Contracts;

/// <summary>
/// A run whose heartbeat did not reach the backend (the network, a proxy or the backend itself was down), reported with
/// the next heartbeat that does. It lets the fleet view tell a site that was cut off (runs failed with a category) from a
/// machine that was off (no runs at all) once the site is back. <c>RanAt</c> is the site's clock, like <c>SentAt</c>.
/// </summary>
public sealed record UnreportedRun(DateTimeOffset RanAt, string Outcome, string? ErrorCode = null)
{
    /// <summary>The uploader keeps the newest this many per site; a heartbeat carrying more is refused.</summary>
    public const int MaxPerHeartbeat = 30;
}
