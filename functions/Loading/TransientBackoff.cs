namespace PecLists.Functions.Loading;

/// <summary>
/// How long a load that failed for a transient reason (database down, storage error, its own deadline) waits before
/// the next try: doubling from Load:TransientRetryFirstDelaySeconds up to Load:TransientRetryMaxDelaySeconds, with
/// ±25 % jitter so a fleet of failed loads does not come back in one wave. After Load:TransientRetries of these the
/// invocation fails and the host's own retries (maxDequeueCount) and then the poison queue take over.
/// </summary>
public static class TransientBackoff
{
    /// <summary>The wait before retry number <paramref name="retry"/> + 1 (retry 0 is the first failure).</summary>
    public static TimeSpan Delay(int retry, LoadOptions options, Random random)
    {
        return TimeSpan.FromSeconds(NominalSeconds(retry, options) * (0.75 + (random.NextDouble() * 0.5)));
    }

    /// <summary>The outage the retries ride out before the host's retries start (jitter aside): the sum of every delay.</summary>
    public static TimeSpan Budget(LoadOptions options) =>
        TimeSpan.FromSeconds(Enumerable.Range(0, options.TransientRetries).Sum(retry => NominalSeconds(retry, options)));

    private static double NominalSeconds(int retry, LoadOptions options) =>
        Math.Min(options.TransientRetryMaxDelaySeconds, options.TransientRetryFirstDelaySeconds * Math.Pow(2, Math.Min(retry, 30)));
}
