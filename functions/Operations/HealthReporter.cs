using System.Net.Http;
using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Loading;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Operations;

/// <summary>
/// Checks the central database and the ingest storage in parallel, each under a short timeout, and caches the answer
/// for a few seconds: the endpoint is anonymous, so a flood of probes costs at most one check per dependency per
/// period. Never throws; a reason is a short fixed phrase or an error code, never an exception message (those can
/// quote hosts, users or connection strings). Nothing here runs at start-up.
/// </summary>
public sealed class HealthReporter(IServiceProvider services, IConfiguration configuration, IOptions<SnapshotStorageOptions> storage, IOptions<LoadQueueOptions> queueOptions, TimeProvider time, ILogger<HealthReporter> logger)
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private Task<HealthReport>? _current;
    private DateTimeOffset _expires;

    public Task<HealthReport> GetAsync()
    {
        lock (_gate)
        {
            // One check in flight at a time, shared by every caller; a new one only once the last is done and stale.
            var now = time.GetUtcNow();
            if (_current is null || (_current.IsCompleted && now >= _expires))
            {
                _current = CheckAsync();
                _expires = now + CacheFor;
            }

            return _current;
        }
    }

    private async Task<HealthReport> CheckAsync()
    {
        var database = Guarded(CheckDatabaseAsync);
        var storage = Guarded(CheckStorageAsync);
        var checks = new Dictionary<string, string> { ["database"] = await database, ["storage"] = await storage };
        var down = checks.Where(c => c.Value != HealthStatuses.Ok).ToList();
        foreach (var (name, state) in down)
        {
            logger.HealthCheckDown(name, state);
        }

        return new HealthReport(down.Count == 0 ? HealthStatuses.Ok : HealthStatuses.Degraded, checks);
    }

    private static async Task<string> Guarded(Func<CancellationToken, Task> check)
    {
        using var timeout = new CancellationTokenSource(CheckTimeout);
        try
        {
            await check(timeout.Token).WaitAsync(timeout.Token); // WaitAsync: a client that ignores the token still ends
            return HealthStatuses.Ok;
        }
        catch (Exception ex)
        {
            return HealthStatuses.Down(Reason(ex, timeout.IsCancellationRequested));
        }
    }

    private async Task CheckDatabaseAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(configuration.GetConnectionString(CentralDatabase.ConnectionName)))
        {
            throw new NotConfiguredException();
        }

        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    private async Task CheckStorageAsync(CancellationToken ct)
    {
        // Own clients without retries: the app's clients retry for a minute, the probe must answer in seconds.
        // Either form of the connection (a connection string, or the service URIs and the identity in Azure).
        if (!StorageClients.IsConfigured(configuration))
        {
            throw new NotConfiguredException();
        }

        var blobs = StorageClients.CreateBlobs(configuration, new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = CheckTimeout } })
            .GetBlobContainerClient(storage.Value.Container);
        var queue = StorageClients.CreateQueues(configuration, new QueueClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = CheckTimeout } })
            .GetQueueClient(queueOptions.Value.Queue);
        var blob = Labelled("blob", blobs.ExistsAsync(ct)); // missing is fine (created on first use): reachable is what counts
        var queued = Labelled("queue", queue.ExistsAsync(ct));
        await Task.WhenAll(blob, queued);
    }

    private static async Task Labelled<T>(string what, Task<T> task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StorageCheckException(what, ex);
        }
    }

    private static string Reason(Exception ex, bool timedOut) => ex switch
    {
        _ when timedOut => $"no answer within {CheckTimeout.TotalSeconds:0} s",
        StorageCheckException s => $"{s.What} {Reason(s.InnerException!, false)}",
        PostgresException pg => $"server refused ({pg.SqlState})",
        RequestFailedException { Status: > 0 } rf => $"HTTP {rf.Status}{(rf.ErrorCode is { Length: > 0 } code ? " " + code : string.Empty)}",
        NotConfiguredException => "not configured",
        FormatException or ArgumentException => "bad connection string",
        OperationCanceledException or TimeoutException => "timed out",
        _ when Find<SocketException>(ex) is { } socket => $"cannot connect ({socket.SocketErrorCode})",
        _ when Find<HttpRequestException>(ex) is { } http => $"cannot connect ({http.HttpRequestError})",
        NpgsqlException => "cannot connect",
        _ => ex.GetType().Name,
    };

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }

            if (ex is AggregateException { InnerExceptions.Count: > 0 } all)
            {
                ex = all.InnerExceptions[0];
                if (ex is T inner)
                {
                    return inner;
                }
            }
        }

        return null;
    }

    private sealed class NotConfiguredException : Exception;

    private sealed class StorageCheckException(string what, Exception inner) : Exception(what, inner)
    {
        public string What { get; } = what;
    }
}
