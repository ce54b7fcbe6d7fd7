using System.Text.Json.Serialization;

namespace PecLists.Uploader.Config;

public sealed class UploadConfig
{
    public int MaxAttempts { get; set; } = 6;

    public double FirstRetryDelaySeconds { get; set; } = 2;

    public double AttemptTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// A snapshot larger than this (compressed) goes in blocks straight to Blob storage through an upload session,
    /// resumable from the blocks already there (docs/adr/0021); up to it, one PUT. 64 MiB: at the 3.6 Mbit/s below which
    /// a 100 MB PUT cannot beat Azure's 230 s front-end limit, 64 MiB takes about 150 s.
    /// </summary>
    public long BlockUploadAboveBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The proxy to the endpoint: absent for the system's (HTTPS_PROXY, the Windows settings), "direct" for none, or
    /// "http://[user:password@]host:port". Install records the one its session uses: scheduled runs do not see it.
    /// Left out of the file when absent, so configs written before it stay byte-identical.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Proxy { get; set; }
}
