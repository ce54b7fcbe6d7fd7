using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Ingest;

/// <summary>
/// The limits of an upload: sizes, rates, the spool and the body's pace ("Ingest" configuration section, which the
/// snapshot container (<c>Storage/SnapshotStorageOptions</c>), the load queue (<c>Loading/LoadQueueOptions</c>), the token
/// lookups (<c>Sites/SiteTokenOptions</c>) and the 503 answer (<c>Http/DependencyUnavailableOptions</c>) share: the
/// setting names are as they always were). Each rule's message names the setting as it is configured.
/// </summary>
public sealed class IngestOptions : IValidatableObject
{
    public const string Section = "Ingest";

    /// <summary>Compressed body cap (the Functions host's default request limit is 100 MB).</summary>
    [Range(1024L, 10L * 1024 * 1024 * 1024, ErrorMessage = "Ingest:MaxCompressedBytes must be between {1} and {2}.")]
    public long MaxCompressedBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Decompressed cap: stops decompression bombs early.</summary>
    [Range(1024L, 1024L * 1024 * 1024 * 1024, ErrorMessage = "Ingest:MaxDecompressedBytes must be between {1} and {2}.")]
    public long MaxDecompressedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Requests a site may make per minute (token bucket); past that: 429 with Retry-After.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Ingest:PermitsPerMinutePerSite must be between {1} and {2}.")]
    public int PermitsPerMinutePerSite { get; set; } = 60;

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

    /// <summary>
    /// The largest snapshot sent as blocks through an upload session (docs/adr/0021). The PUT keeps
    /// <see cref="MaxCompressedBytes"/>: the Functions host's 100 MB request limit and the front end's 230 s do not apply
    /// to blocks, which go straight to Blob storage.
    /// </summary>
    [Range(1024L, 50L * 1024 * 1024 * 1024, ErrorMessage = "Ingest:MaxSessionCompressedBytes must be between {1} and {2}.")]
    public long MaxSessionCompressedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How long an upload session's SAS is valid; a run that needs longer asks for another session.</summary>
    [Range(1, 7 * 24 * 60, ErrorMessage = "Ingest:UploadSessionMinutes must be between {1} and {2}.")]
    public int UploadSessionMinutes { get; set; } = 60;

    /// <summary>
    /// The size of a block (the last is shorter): what a site resends at most after a cut, and one attempt's body. 4 MiB
    /// takes 10 s at 3.6 Mbit/s, well inside an attempt's timeout.
    /// </summary>
    [Range(4096, 100 * 1024 * 1024, ErrorMessage = "Ingest:UploadBlockBytes must be between {1} and {2}.")]
    public int UploadBlockBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The blob endpoint sites reach, when it is not the one the function app uses (e.g. the app through a private
    /// endpoint, or a relay in front of Azurite in tests); empty: the same. Only the scheme, host and port are taken.
    /// </summary>
    public string SiteBlobEndpoint { get; set; } = string.Empty;

    /// <summary>
    /// An unchanged delivery is refused once the pair's last full delivery arrived this many days ago, so a list that
    /// never changes still travels whole this often and central is checked against the source whatever the digest says
    /// (docs/adr/0024-unchanged-deliveries.md). 0 refuses every unchanged delivery (always full).
    /// </summary>
    [Range(0, 366, ErrorMessage = "Ingest:FullDeliveryEveryDays must be between {1} and {2}.")]
    public double FullDeliveryEveryDays { get; set; } = 7;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((MaxSessionCompressedBytes + UploadBlockBytes - 1) / UploadBlockBytes > PecLists.Contracts.UploadBlocks.MaxBlocks)
        {
            yield return new ValidationResult(
                $"Ingest:MaxSessionCompressedBytes / Ingest:UploadBlockBytes must be at most {PecLists.Contracts.UploadBlocks.MaxBlocks} (Azure's limit of blocks in a blob).");
        }

        if (SiteBlobEndpoint.Length > 0 && !(Uri.TryCreate(SiteBlobEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return new ValidationResult("Ingest:SiteBlobEndpoint must be empty or an absolute http(s) URI.");
        }
    }
}
