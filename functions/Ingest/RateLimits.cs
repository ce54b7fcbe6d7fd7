using System.Globalization;
using System.Threading.RateLimiting;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Sites;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Ingest;

/// <summary>
/// A token bucket per site (one misbehaving site cannot crowd out the others) and a concurrency limit on uploads
/// (bounded memory and temp disk per instance). Both answer 429 problem+json with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string PerSite = "per-site";

    public static IServiceCollection AddIngestRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<IngestOptions>>((limiter, ingest) =>
        {
            var options = ingest.Value;
            limiter.AddPolicy(PerSite, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.FindFirst(SiteTokenAuthentication.SiteClaim)?.Value ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.PermitsPerMinutePerSite,
                    TokensPerPeriod = options.PermitsPerMinutePerSite,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                SpoolsABody(http)
                    ? RateLimitPartition.GetConcurrencyLimiter("uploads", _ => new ConcurrencyLimiterOptions { PermitLimit = options.MaxConcurrentUploads, QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("other"));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(5);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many requests",
                    "Slow down and retry after the number of seconds in Retry-After.");
            };
        });
        return services;
    }

    /// <summary>
    /// A snapshot PUT or an upload commit: both spool a whole snapshot on this instance, so both count against
    /// <see cref="IngestOptions.MaxConcurrentUploads"/> (the global limiter runs after routing: the endpoint is known).
    /// </summary>
    private static bool SpoolsABody(HttpContext http) =>
        HttpMethods.IsPut(http.Request.Method)
        || http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == SiteApi.CommitUploadName;
}
