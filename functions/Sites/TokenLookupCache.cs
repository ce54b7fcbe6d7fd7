using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Sites;

/// <summary>
/// What this instance recently learnt about token hashes: the site of a live site token, or that a token is unknown or
/// revoked. Entries live <see cref="SiteTokenOptions.TokenCacheSeconds"/>; the cache holds at most
/// <see cref="SiteTokenOptions.TokenCacheEntries"/> and starts over when full. Operator tokens are never remembered as valid
/// (a revoked operator token is refused on its next request, on every instance); an unknown one may be remembered as
/// unknown, which is safe: a token never comes back to life and a new one is 256 fresh random bits.
/// </summary>
public sealed class TokenLookupCache(IOptions<SiteTokenOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(options.Value.TokenCacheSeconds);
    private readonly int _capacity = options.Value.TokenCacheEntries;

    /// <summary>True when this instance knows the answer: <paramref name="site"/> is the site, or null for "no live token".</summary>
    public bool TryGet(byte[] hash, out string? site)
    {
        site = null;
        if (_lifetime <= TimeSpan.Zero || !_entries.TryGetValue(Key(hash), out var entry))
        {
            return false;
        }

        if (entry.Expires <= time.GetUtcNow())
        {
            _entries.TryRemove(KeyValuePair.Create(Key(hash), entry));
            return false;
        }

        site = entry.Site;
        return true;
    }

    /// <summary>Remembers a site token's site (null: no live token with this hash).</summary>
    public void Remember(byte[] hash, string? site)
    {
        if (_lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= _capacity)
        {
            // Bounded memory under a flood of distinct tokens; the price is a few extra lookups for live sites.
            _entries.Clear();
        }

        _entries[Key(hash)] = new Entry(site, time.GetUtcNow() + _lifetime);
    }

    /// <summary>Forgets everything: a token was revoked through this instance, so it is refused here on its next request.</summary>
    public void Clear() => _entries.Clear();

    private static string Key(byte[] hash) => Convert.ToBase64String(hash);

    private sealed record Entry(string? Site, DateTimeOffset Expires);
}
