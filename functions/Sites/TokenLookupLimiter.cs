using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Sites;

/// <summary>
/// What stands between an unauthenticated caller and the database. A token not in <see cref="TokenLookupCache"/> is
/// looked up only while its client address (<see cref="ClientAddress"/>) and the whole instance have failed fewer
/// lookups than their budget in their current minute (a window that opens at the first failure after the last one
/// closed), and only
/// <see cref="SiteTokenOptions.MaxConcurrentTokenLookups"/> at a time. Only lookups that fail count, so a flood of made-up
/// tokens spends the budget and then gets 429 without a query, while good tokens keep working. Per instance the database
/// sees at most FailedTokenLookupsPerMinute failed lookups per such minute, FailedTokenLookupsPerMinutePerClient from
/// one address, plus the lookups already in flight when the budget ran out (at most MaxConcurrentTokenLookups).
/// </summary>
public sealed class TokenLookupLimiter : IDisposable
{
    private const string Everyone = "*";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrencyLimiter _concurrent;
    private readonly TimeProvider _time;
    private readonly int _perClient;
    private readonly int _perInstance;

    public TokenLookupLimiter(IOptions<SiteTokenOptions> options, TimeProvider time)
    {
        var limits = options.Value;
        _time = time;
        _perClient = limits.FailedTokenLookupsPerMinutePerClient;
        _perInstance = limits.FailedTokenLookupsPerMinute;
        _concurrent = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxConcurrentTokenLookups,
            QueueLimit = 64 * limits.MaxConcurrentTokenLookups,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>
    /// A permit to look a token up for this client now, or null with how long to wait: its failures (or the instance's)
    /// used the budget of their current minute, or too many lookups are already waiting.
    /// </summary>
    public async Task<(RateLimitLease? Permit, TimeSpan RetryAfter)> TryEnterAsync(string client, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, budget) in new[] { (client, _perClient), (Everyone, _perInstance) })
        {
            if (Spent(key, now) is { Count: var count, Ends: var ends } && count >= budget)
            {
                return (null, ends - now);
            }
        }

        var permit = await _concurrent.AcquireAsync(1, ct);
        if (!permit.IsAcquired)
        {
            permit.Dispose();
            return (null, TimeSpan.FromSeconds(1));
        }

        return (permit, TimeSpan.Zero);
    }

    /// <summary>A lookup found no live token: it counts against the client's and the instance's budget.</summary>
    public void RecordFailure(string client)
    {
        var now = _time.GetUtcNow();
        if (_failures.Count > 2 * _perInstance + 2)
        {
            // Only failures make entries, and the instance's budget caps those per minute: finished windows go.
            foreach (var stale in _failures.Where(f => f.Value.Start + Window <= now))
            {
                _failures.TryRemove(stale);
            }
        }

        foreach (var key in new[] { client, Everyone })
        {
            var failures = _failures.GetOrAdd(key, _ => new Failures());
            lock (failures)
            {
                if (failures.Start + Window <= now)
                {
                    // A window starts at the first failure after the previous one ended.
                    failures.Start = now;
                    failures.Count = 0;
                }

                failures.Count++;
            }
        }
    }

    public void Dispose() => _concurrent.Dispose();

    private (int Count, DateTimeOffset Ends)? Spent(string key, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var failures))
        {
            return null;
        }

        lock (failures)
        {
            return failures.Start + Window > now ? (failures.Count, failures.Start + Window) : null;
        }
    }

    private sealed class Failures
    {
        public DateTimeOffset Start { get; set; } = DateTimeOffset.MinValue;

        public int Count { get; set; }
    }
}
