using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Sites;

/// <summary>
/// How an instance looks tokens up: its cache of lookups and its budget for failed ones ("Ingest:TokenCache…",
/// "Ingest:FailedTokenLookups…", "Ingest:LiveTokensRefreshSeconds", "Ingest:MaxConcurrentTokenLookups"). Each rule's message names the setting as it is configured.
/// </summary>
public sealed class SiteTokenOptions
{
    /// <summary>The section it shares with the other "Ingest" settings (the names are as they always were).</summary>
    public const string Section = "Ingest";

    /// <summary>
    /// How long one instance remembers a site token lookup (found or not): a site token revoked elsewhere than through
    /// this instance's API keeps working here for at most this long. Operator tokens are never remembered as valid. 0: off.
    /// </summary>
    [Range(0, 300, ErrorMessage = "Ingest:TokenCacheSeconds must be between {1} and {2}.")]
    public int TokenCacheSeconds { get; set; } = 30;

    /// <summary>Token lookups one instance remembers at most (about 100 bytes each); past that the cache starts over.</summary>
    [Range(16, 10_000_000, ErrorMessage = "Ingest:TokenCacheEntries must be between {1} and {2}.")]
    public int TokenCacheEntries { get; set; } = 10_000;

    /// <summary>
    /// Lookups of a token that turns out unknown or revoked, per client address per minute on one instance; past that the
    /// address gets 429 before any database lookup of a token this instance does not know (a live token passes).
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Ingest:FailedTokenLookupsPerMinutePerClient must be between {1} and {2}.")]
    public int FailedTokenLookupsPerMinutePerClient { get; set; } = 20;

    /// <summary>
    /// Lookups of a token that turns out unknown or revoked, from all clients together, per minute on one instance and per
    /// kind (site tokens, operator tokens): the bound on what a flood from many addresses costs the database. Past it, a
    /// token that is neither cached nor known to be live (<see cref="LiveTokenHashes"/>) gets 429.
    /// </summary>
    [Range(1, 10_000_000, ErrorMessage = "Ingest:FailedTokenLookupsPerMinute must be between {1} and {2}.")]
    public int FailedTokenLookupsPerMinute { get; set; } = 600;

    /// <summary>
    /// How often at most one instance reads the hashes of every live token (<see cref="LiveTokenHashes"/>), and only when a
    /// lookup was about to be refused for budget: a token issued since the last read waits at most this long during a flood.
    /// </summary>
    [Range(1, 300, ErrorMessage = "Ingest:LiveTokensRefreshSeconds must be between {1} and {2}.")]
    public int LiveTokensRefreshSeconds { get; set; } = 5;

    /// <summary>Token lookups one instance sends to the database at once; more wait in memory (a bounded queue), then 429.</summary>
    [Range(1, 1000, ErrorMessage = "Ingest:MaxConcurrentTokenLookups must be between {1} and {2}.")]
    public int MaxConcurrentTokenLookups { get; set; } = 4;
}
