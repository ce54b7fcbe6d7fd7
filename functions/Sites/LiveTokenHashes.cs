using System.Collections.Frozen;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Sites;

/// <summary>
/// The hashes of every live token (site and operator) as this instance last read them: how it recognises a real token
/// it has not cached without spending anyone's budget for failed lookups (<see cref="TokenLookupLimiter"/>). A hash in
/// the set is still looked up (revocation is read from the database as before); it only skips the budgets, so a flood of
/// made-up tokens, however many addresses it comes from, never keeps a site or an operator with a real token out.
/// Read again only when a lookup was about to be refused for budget, and at most once per
/// <see cref="SiteTokenOptions.LiveTokensRefreshSeconds"/>: under a flood that is one query per interval, whatever the
/// flood's size. A token issued since the last read waits at most that long. Holds at most <see cref="MaxEntries"/>
/// hashes (about 80 bytes each); past that, the tokens left out are treated as unknown (budgeted, never refused
/// outright).
/// </summary>
public sealed class LiveTokenHashes(NpgsqlDataSource dataSource, IOptions<SiteTokenOptions> options, TimeProvider time) : IDisposable
{
    public const int MaxEntries = 1_000_000;
    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(options.Value.LiveTokensRefreshSeconds);
    private FrozenSet<string> _hashes = FrozenSet<string>.Empty;
    private DateTimeOffset _lastRead = DateTimeOffset.MinValue;

    /// <summary>True when the hash was a live token's at the last read.</summary>
    public bool Contains(byte[] hash) => Volatile.Read(ref _hashes).Contains(Key(hash));

    /// <summary>
    /// Reads the live hashes again unless that was done less than the interval ago (one reader at a time; the others
    /// wait for it and use its result). Returns how long until the next read is allowed.
    /// </summary>
    public async Task<TimeSpan> RefreshAsync(CancellationToken ct)
    {
        await _reading.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (_lastRead + _interval > now)
            {
                return _lastRead + _interval - now;
            }

            // Counted before the query: a database that fails is not asked again and again either.
            _lastRead = now;
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var hashes = await connection.QueryAsync<byte[]>(new CommandDefinition(
                """
                SELECT token_hash FROM ingest.site_tokens WHERE revoked_at IS NULL
                UNION ALL
                SELECT token_hash FROM ingest.admin_tokens WHERE revoked_at IS NULL
                LIMIT @max
                """,
                new { max = MaxEntries }, cancellationToken: ct));
            Volatile.Write(ref _hashes, hashes.Select(Key).ToFrozenSet(StringComparer.Ordinal));
            return _interval;
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    private static string Key(byte[] hash) => Convert.ToBase64String(hash);
}
