using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Storage;

/// <summary>
/// Where snapshots are kept and queued, and the limits of an upload ("Ingest" configuration section). "IngestStorage"
/// is the connection the load function.json names. Each rule's message names the setting as it is configured.
/// </summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";
    public const string StorageConnectionName = "IngestStorage";

    /// <summary>Compressed body cap (the Functions host's default request limit is 100 MB).</summary>
    [Range(1024L, 10L * 1024 * 1024 * 1024, ErrorMessage = "Ingest:MaxCompressedBytes must be between {1} and {2}.")]
    public long MaxCompressedBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Decompressed cap: stops decompression bombs early.</summary>
    [Range(1024L, 1024L * 1024 * 1024 * 1024, ErrorMessage = "Ingest:MaxDecompressedBytes must be between {1} and {2}.")]
    public long MaxDecompressedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Blob container of the snapshots (Azure's rules for container names).</summary>
    [Required(ErrorMessage = "Ingest:Container must be set.")]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$",
        ErrorMessage = "Ingest:Container must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")]
    public string Container { get; set; } = "snapshots";

    /// <summary>The load queue (Azure's rules for queue names, leaving room for the poison queue's suffix: <see cref="LoadQueue.PoisonNameOf"/>).</summary>
    [Required(ErrorMessage = "Ingest:Queue must be set.")]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$",
        ErrorMessage = "Ingest:Queue must be 3 to 56 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")]
    public string Queue { get; set; } = LoadQueue.DefaultName;

    /// <summary>Requests a site may make per minute (token bucket); past that: 429 with Retry-After.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Ingest:PermitsPerMinutePerSite must be between {1} and {2}.")]
    public int PermitsPerMinutePerSite { get; set; } = 60;

    /// <summary>Retry-After of a 503 dependency-unavailable (the central database or storage down): when to try again.</summary>
    [Range(1, 3600, ErrorMessage = "Ingest:UnavailableRetryAfterSeconds must be between {1} and {2}.")]
    public int UnavailableRetryAfterSeconds { get; set; } = 30;

    /// <summary>Uploads processed at once by one instance; past that: 429 with Retry-After (the uploader retries).</summary>
    [Range(1, 10_000, ErrorMessage = "Ingest:MaxConcurrentUploads must be between {1} and {2}.")]
    public int MaxConcurrentUploads { get; set; } = 16;

    /// <summary>
    /// Snapshots a site may have received in the last minute, counted in ingest.snapshots, which every instance shares:
    /// past that a PUT gets 429 with Retry-After whatever instance it reaches (docs/adr/0011-limits-across-instances.md).
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Ingest:SnapshotsPerMinutePerSite must be between {1} and {2}.")]
    public int SnapshotsPerMinutePerSite { get; set; } = 30;

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
    /// address gets 429 before any database lookup (a good token found in the cache still passes).
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Ingest:FailedTokenLookupsPerMinutePerClient must be between {1} and {2}.")]
    public int FailedTokenLookupsPerMinutePerClient { get; set; } = 20;

    /// <summary>
    /// Lookups of a token that turns out unknown or revoked, from all clients together, per minute on one instance: the
    /// bound on what a flood from many addresses costs the database. Past it, a token not in the cache gets 429.
    /// </summary>
    [Range(1, 10_000_000, ErrorMessage = "Ingest:FailedTokenLookupsPerMinute must be between {1} and {2}.")]
    public int FailedTokenLookupsPerMinute { get; set; } = 600;

    /// <summary>Token lookups one instance sends to the database at once; more wait in memory (a bounded queue), then 429.</summary>
    [Range(1, 1000, ErrorMessage = "Ingest:MaxConcurrentTokenLookups must be between {1} and {2}.")]
    public int MaxConcurrentTokenLookups { get; set; } = 4;

    /// <summary>
    /// Where an upload is spooled while it is checked: empty means the OS temp folder (Path.GetTempPath()). Needs
    /// MaxConcurrentUploads × MaxCompressedBytes free at worst (1.6 GB by default).
    /// </summary>
    public string SpoolDirectory { get; set; } = string.Empty;

    /// <summary>Free space an upload must leave in the spool folder beyond its own Content-Length; else 429 insufficient-storage.</summary>
    [Range(0L, 1L << 50, ErrorMessage = "Ingest:SpoolFreeMarginBytes must be between {1} and {2}.")]
    public long SpoolFreeMarginBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>A body slower than this (after the grace period) is cut off: Kestrel's default.</summary>
    [Range(1.0, 1e9, ErrorMessage = "Ingest:MinBodyBytesPerSecond must be between {1} and {2}.")]
    public double MinBodyBytesPerSecond { get; set; } = 240;

    /// <summary>How long a body may be slower than the minimum rate; Kestrel needs more than its 1 s heartbeat.</summary>
    [Range(2.0, 3600.0, ErrorMessage = "Ingest:MinBodyRateGraceSeconds must be between {1} and {2}.")]
    public double MinBodyRateGraceSeconds { get; set; } = 5;
}
