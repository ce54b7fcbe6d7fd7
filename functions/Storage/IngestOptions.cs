namespace Ingest.Functions.Storage;

/// <summary>Where snapshots are kept and queued. "IngestStorage" is the connection the load function.json names.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";
    public const string StorageConnectionName = "IngestStorage";

    /// <summary>Compressed body cap (the Functions host's default request limit is 100 MB).</summary>
    public long MaxCompressedBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Decompressed cap: stops decompression bombs early.</summary>
    public long MaxDecompressedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    public string Container { get; set; } = "snapshots";

    public string Queue { get; set; } = LoadQueue.DefaultName;

    /// <summary>Requests a site may make per minute (token bucket); past that: 429 with Retry-After.</summary>
    public int PermitsPerMinutePerSite { get; set; } = 60;

    /// <summary>Uploads processed at once by one instance; past that: 429 with Retry-After (the uploader retries).</summary>
    public int MaxConcurrentUploads { get; set; } = 16;
}
