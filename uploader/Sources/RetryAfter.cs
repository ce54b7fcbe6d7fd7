using System.Net.Http.Headers;

namespace PecLists.Uploader.Sources;

/// <summary>
/// The wait an API asks for in <c>Retry-After</c>: a number of seconds or an HTTP-date (RFC 9110 §10.2.3). A date in
/// the past, a negative number or a header that reads as neither is no wait at all (null).
/// </summary>
public static class RetryAfter
{
    public static TimeSpan? Of(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        var wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return wait is { } w && w > TimeSpan.Zero ? w : null;
    }

    /// <summary>The wait the header text <paramref name="value"/> asks for.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now) =>
        RetryConditionHeaderValue.TryParse(value, out var header) ? Of(header, now) : null;
}
