using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Sites;

/// <summary>
/// What stands between an unauthenticated caller and the database. A token not in <see cref="TokenLookupCache"/> whose
/// hash <see cref="LiveTokenHashes"/> does not know is looked up only while its client address (<see cref="ClientAddress"/>)
/// and the instance have failed fewer lookups than their budget in their current minute (a window that opens at the
/// first failure after the last one closed); the instance keeps one budget per kind of token, so a flood of made-up site
/// tokens does not spend the operators' and the other way round. A hash <see cref="LiveTokenHashes"/> knows skips both
/// budgets (<see cref="EnterAsync"/>): only a client's own failures cost it, and a real token gets in whatever else is
/// sent. Every lookup waits for one of <see cref="SiteTokenOptions.MaxConcurrentTokenLookups"/> permits. Only lookups
/// that fail count, so a flood of made-up tokens spends the budget and then gets 429 without a query. Per instance the
/// database sees at most FailedTokenLookupsPerMinute failed lookups per such minute and kind,
/// FailedTokenLookupsPerMinutePerClient from one address, plus the lookups already in flight when the budget ran out
/// (at most MaxConcurrentTokenLookups) and the lookups of live tokens.
/// </summary>
public sealed class TokenLookupLimiter : IDisposable
{
    private const string AllSiteTokens = "*site";
    private const string AllOperatorTokens = "*operator";
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
    /// A permit to look a token of this kind up for this client now, or null with how long to wait: its failures (or the
    /// instance's with this kind of token) used the budget of their current minute, or too many lookups are already waiting.
    /// </summary>
    public async Task<(RateLimitLease? Permit, TimeSpan RetryAfter)> TryEnterAsync(string client, TokenKind kind, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, budget) in new[] { (client, _perClient), (Instance(kind), _perInstance) })
        {
            if (Spent(key, now) is { Count: var count, Ends: var ends } && count >= budget)
            {
                return (null, ends - now);
            }
        }

        return await EnterAsync(ct);
    }

    /// <summary>A permit to look up a token known to be live (<see cref="LiveTokenHashes"/>): no failure budget, only the concurrency bound.</summary>
    public async Task<(RateLimitLease? Permit, TimeSpan RetryAfter)> EnterAsync(CancellationToken ct)
    {
        var permit = await _concurrent.AcquireAsync(1, ct);
        if (!permit.IsAcquired)
        {
            permit.Dispose();
            return (null, TimeSpan.FromSeconds(1));
        }

        return (permit, TimeSpan.Zero);
    }

    /// <summary>A lookup found no live token: it counts against the client's budget and the instance's for its kind.</summary>
    public void RecordFailure(string client, TokenKind kind)
    {
        var now = _time.GetUtcNow();
        if (_failures.Count > 4 * _perInstance + 2)
        {
            // Only failures make entries, and the instance's two budgets cap those per minute: finished windows go.
            foreach (var stale in _failures.Where(f => f.Value.Start + Window <= now))
            {
                _failures.TryRemove(stale);
            }
        }

        foreach (var key in new[] { client, Instance(kind) })
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

    private static string Instance(TokenKind kind) => kind == TokenKind.Admin ? AllOperatorTokens : AllSiteTokens;

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
