using System.Threading.RateLimiting;
using PecLists.Functions.Storage;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Sites;

/// <summary>
/// What stands between an unauthenticated caller and the database. A token not in <see cref="TokenLookupCache"/> is
/// looked up only while its client address (<see cref="ClientAddress"/>) and the whole instance still have budget for
/// failed lookups, and only <see cref="IngestOptions.MaxConcurrentTokenLookups"/> at a time; only lookups that fail use
/// budget, so a flood of made-up tokens spends it and then gets 429 without a query, while good tokens keep working.
/// Per instance and minute the database sees at most FailedTokenLookupsPerMinute failed lookups (plus the few already in
/// flight when the budget ran out), and at most FailedTokenLookupsPerMinutePerClient from one address.
/// </summary>
public sealed class TokenLookupLimiter : IDisposable
{
    private const string Everyone = "*";
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly ConcurrencyLimiter _concurrent;

    public TokenLookupLimiter(IOptions<IngestOptions> options)
    {
        var limits = options.Value;
        _failures = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, key => Bucket(
            key == Everyone ? limits.FailedTokenLookupsPerMinute : limits.FailedTokenLookupsPerMinutePerClient)));
        _concurrent = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxConcurrentTokenLookups,
            QueueLimit = 64 * limits.MaxConcurrentTokenLookups,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>
    /// A permit to look a token up for this client now, or null with how long to wait: its failures (or the instance's)
    /// used the budget, or too many lookups are already waiting.
    /// </summary>
    public async Task<(RateLimitLease? Permit, TimeSpan RetryAfter)> TryEnterAsync(string client, CancellationToken ct)
    {
        foreach (var key in new[] { client, Everyone })
        {
            using var probe = _failures.AttemptAcquire(key, 0);
            if (!probe.IsAcquired)
            {
                return (null, probe.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(10));
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

    /// <summary>A lookup found no live token: it costs the client's and the instance's budget.</summary>
    public void RecordFailure(string client)
    {
        _failures.AttemptAcquire(client, 1).Dispose();
        _failures.AttemptAcquire(Everyone, 1).Dispose();
    }

    public void Dispose()
    {
        _failures.Dispose();
        _concurrent.Dispose();
    }

    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = perMinute,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
