using Microsoft.AspNetCore.Diagnostics;

using Microsoft.Extensions.Options;
using PecLists.Contracts;
using PecLists.Functions.Telemetry;

namespace PecLists.Functions.Http;

/// <summary>
/// The central database or the storage account down (maintenance, failover, network) is not the caller's fault and
/// not a bug: answer 503 with Retry-After and a stable code, so the uploader keeps the snapshot in its spool and tries
/// again, and an operator reading the answer knows where to look. Ingest stores the blob before it records the row
/// and queues last, so a request cut here leaves nothing a repeat does not complete (fault campaign, issue 12).
/// </summary>
public sealed partial class DependencyUnavailableHandler(IOptions<DependencyUnavailableOptions> options, ILogger<DependencyUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var dependency = DependencyOf(exception);
        if (dependency is null || httpContext.Response.HasStarted)
        {
            return false;
        }

        // The exception's type and the dependency only: its message may quote a connection string or a row.
        logger.DependencyUnavailable(dependency, exception.GetType().Name, httpContext.Request.Path);
        httpContext.Response.Headers.RetryAfter = options.Value.UnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.Write(httpContext, StatusCodes.Status503ServiceUnavailable, ProblemCodes.DependencyUnavailable, "Temporarily unavailable",
            $"The {dependency} cannot be reached right now; nothing was kept. Send the same request again later (Retry-After).");
        return true;
    }

    /// <summary>Which dependency failed, or null for anything that is not an outage (a bug stays a 500).</summary>
    public static string? DependencyOf(Exception exception) => exception switch
    {
        Npgsql.PostgresException pg when pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal) => "central database",
        Npgsql.NpgsqlException { IsTransient: true } => "central database",
        Npgsql.NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } => "central database",
        Azure.RequestFailedException { Status: 0 or >= 500 } => "storage account",
        AggregateException { InnerExceptions.Count: > 0 } aggregate => DependencyOf(aggregate.InnerExceptions[0]),
        _ when exception.InnerException is { } inner && exception is not Npgsql.NpgsqlException => DependencyOf(inner),
        _ => null,
    };
}
