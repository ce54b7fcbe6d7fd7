using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>Retry-After as seconds or an HTTP-date (RFC 9110 §10.2.3); a date gone or a header that reads as neither is no wait.</summary>
public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30", 30)]
    [InlineData("0", null)]
    [InlineData("Mon, 07 Dec 2026 10:01:30 GMT", 90)]
    [InlineData("Mon, 07 Dec 2026 09:59:00 GMT", null)]
    [InlineData("soon", null)]
    [InlineData("-5", null)]
    [InlineData("", null)]
    public void The_wait_is_the_seconds_or_the_time_until_the_date(string header, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, RetryAfter.Parse(header, Now));
}
