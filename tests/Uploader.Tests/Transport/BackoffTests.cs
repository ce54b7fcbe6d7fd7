using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Full_jitter_spreads_retries_uniformly_under_an_exponential_ceiling_capped_at_five_minutes()
    {
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var ceiling = Math.Min(300, 2 * Math.Pow(2, attempt));
            var delays = Enumerable.Range(0, 400).Select(_ => BackendClient.FullJitter(2, attempt).TotalSeconds).ToList();

            Assert.All(delays, d => Assert.InRange(d, 0, ceiling));
            // Full jitter: the delays cover the whole range, not a narrow band around the ceiling.
            Assert.True(delays.Min() < ceiling * 0.1, $"attempt {attempt}: min {delays.Min()}");
            Assert.True(delays.Max() > ceiling * 0.9, $"attempt {attempt}: max {delays.Max()}");
        }
    }
}
