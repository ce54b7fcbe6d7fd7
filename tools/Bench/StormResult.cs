namespace Bench;

/// <summary>
/// One storm: the probe idle just before it (the machine is shared, so each storm is compared with its own idle), the
/// probe and session figures while it ran, its central WAL, and how long until everything was loaded (and, for ours, accepted).
/// </summary>
public sealed record StormResult(string Name, ProbeStats Idle, ProbeStats Stats, double Seconds, double? AcceptedSeconds, long WalBytes, long FullPageImageBytes, string Outcome)
{
    /// <summary>pg_waldump's breakdown of the storm's WAL (ours only), and how much of it went to the list tables and their indexes.</summary>
    public WalShares? Wal { get; init; }
}
