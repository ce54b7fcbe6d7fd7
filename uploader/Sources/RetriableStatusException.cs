using System.Net;

namespace PecLists.Uploader.Sources;

/// <summary>
/// A page answered with a status worth trying again (5xx, 408, 429), and the wait the API asked for, if any: thrown
/// inside an attempt so the retry strategy sees it, and turned into an <see cref="HttpSourceException"/> when the
/// attempts run out.
/// </summary>
public sealed class RetriableStatusException(HttpStatusCode status, TimeSpan? retryAfter)
    : Exception($"HTTP {(int)status}")
{
    public HttpStatusCode Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static bool IsRetriable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
