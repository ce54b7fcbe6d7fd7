using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Config;

/// <summary>
/// How the uploader treats the HTTP APIs that lists read (a definition's <c>source.kind</c> "http"): attempts per page,
/// the first back-off delay, and the longest Retry-After it honours. The per-request timeout is the definition's
/// (<c>source.timeoutSeconds</c>), as it is a property of the API.
/// </summary>
public sealed class HttpSourceConfig
{
    /// <summary>Attempts per page, the first included: a 5xx, 408, 429, a timeout or a dropped connection is tried again.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first back-off delay; each retry doubles it, with jitter, up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public double FirstRetryDelaySeconds { get; set; } = 1;

    /// <summary>The longest back-off between two attempts.</summary>
    public double MaxRetryDelaySeconds { get; set; } = 60;

    /// <summary>
    /// The longest Retry-After the uploader waits for. An API asking for more fails the list at once (the next run
    /// tries again) instead of holding the run, or retrying earlier than it was asked to.
    /// </summary>
    public double MaxRetryAfterSeconds { get; set; } = 120;

    public IEnumerable<string> Problems()
    {
        if (MaxAttempts < 1)
        {
            yield return Localized.Text("'http.maxAttempts' must be at least 1", "'http.maxAttempts' deve ser pelo menos 1");
        }

        if (FirstRetryDelaySeconds < 0 || MaxRetryDelaySeconds < 0 || MaxRetryAfterSeconds < 0)
        {
            yield return Localized.Text(
                "'http.firstRetryDelaySeconds', 'http.maxRetryDelaySeconds' and 'http.maxRetryAfterSeconds' must not be negative",
                "'http.firstRetryDelaySeconds', 'http.maxRetryDelaySeconds' e 'http.maxRetryAfterSeconds' não podem ser negativos");
        }
    }
}
