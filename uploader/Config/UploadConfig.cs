using System.Text.Json.Serialization;

namespace PecLists.Uploader.Config;

public sealed class UploadConfig
{
    public int MaxAttempts { get; set; } = 6;

    public double FirstRetryDelaySeconds { get; set; } = 2;

    public double AttemptTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// The proxy to the endpoint: absent for the system's (HTTPS_PROXY, the Windows settings), "direct" for none, or
    /// "http://[user:password@]host:port". Install records the one its session uses: scheduled runs do not see it.
    /// Left out of the file when absent, so configs written before it stay byte-identical.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Proxy { get; set; }
}
