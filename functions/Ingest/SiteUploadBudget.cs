using System.Globalization;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Sites;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Ingest;

/// <summary>
/// The per-site upload limit every instance shares: a PUT is refused (429, Retry-After until the oldest of the window
/// leaves it) when the site already has <see cref="IngestOptions.SnapshotsPerMinutePerSite"/> snapshots received in the
/// last minute by any instance. It reads the rows the uploads write anyway (ingest.snapshots, by site and received_at),
/// so it adds one indexed read per PUT and no write. A check, not a reservation: PUTs admitted together before any of
/// them is recorded all pass, so a minute holds at most the limit plus the site's uploads then in flight
/// (docs/adr/0011-limits-across-instances.md).
/// </summary>
public sealed class SiteUploadBudget(NpgsqlDataSource dataSource, IOptions<IngestOptions> options) : IEndpointFilter
{
    private const string Window = """
        SELECT count(*)::int AS Received,
               COALESCE(ceil(extract(epoch FROM min(received_at) + interval '1 minute' - now())), 0)::int AS WaitSeconds
          FROM ingest.snapshots
         WHERE site_id = @site AND received_at > now() - interval '1 minute'
        """;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var limit = options.Value.SnapshotsPerMinutePerSite;
        var (received, wait) = await CountAsync(http.User.Site(), http.RequestAborted);
        if (received < limit)
        {
            return await next(context);
        }

        http.Response.Headers.RetryAfter = Math.Max(1, wait).ToString(CultureInfo.InvariantCulture);
        return Problems.Result(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many snapshots",
            $"This site sent {received} snapshots in the last minute (the limit is {limit}); retry after the number of seconds in Retry-After.");
    }

    private async Task<(int Received, int WaitSeconds)> CountAsync(string site, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<(int, int)>(new CommandDefinition(Window, new { site }, cancellationToken: ct));
    }
}
