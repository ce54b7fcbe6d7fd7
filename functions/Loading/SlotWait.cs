namespace PecLists.Functions.Loading;

/// <summary>
/// The pauses of a load waiting for a free slot inside its invocation (<see cref="LoadOptions.SlotWaitSeconds"/>, ADR
/// 0028): 100 ms doubling to 1 s, each × 0.5–1.5 so waiters spread out. A slot freed meanwhile is taken within about a
/// second. Between tries the waiter holds no transaction (so no PgBouncer server connection and no lock): each try is
/// its own short transaction, which keeps the slot a transaction-level lock (ADR 0020) and costs the server a few
/// statements per waiter per second at most.
/// </summary>
public static class SlotWait
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    /// <summary>The pause after the <paramref name="busyTries"/>-th try that found every slot busy (1 for the first).</summary>
    public static TimeSpan Pause(int busyTries, Random random)
    {
        var nominal = Math.Min(LongestPause.TotalMilliseconds, FirstPause.TotalMilliseconds * Math.Pow(2, Math.Clamp(busyTries - 1, 0, 30)));
        return TimeSpan.FromMilliseconds(nominal * (0.5 + random.NextDouble()));
    }
}
