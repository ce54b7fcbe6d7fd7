using System.Globalization;
using System.Net.Http.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Ingest.Functions.Hosting;

/// <summary>
/// Plays the Functions host's queue trigger when no host is present (local runs, demo, tests). It reads the same
/// host.json and function.json, polls like the queue listener (batchSize, newBatchThreshold, exponential back-off
/// up to maxPollingInterval), POSTs the same invocation JSON to /{function}, deletes on 2xx, releases the message
/// with visibilityTimeout on failure, and moves it to "{queue}-poison" at maxDequeueCount.
/// </summary>
public sealed class LocalQueueDispatcher(
    IConfiguration configuration,
    IServer server,
    IHostApplicationLifetime lifetime,
    IHttpClientFactory httpClients,
    IHostEnvironment environment,
    ILogger<LocalQueueDispatcher> logger) : BackgroundService
{
    // The host leases a message for 10 minutes and keeps renewing while the function runs.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    public static bool ShouldRun(IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration["FUNCTIONS_CUSTOMHANDLER_PORT"])
        && !string.Equals(configuration["LocalDispatcher:Enabled"], "false", StringComparison.OrdinalIgnoreCase);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }

        var settings = HostSettings.ReadQueueSettings(environment.ContentRootPath, configuration);
        var functions = HostSettings.ReadQueueFunctions(environment.ContentRootPath);
        var baseAddress = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no address to dispatch to.");
        logger.LogInformation(
            "Local dispatcher: {Count} queue function(s), batchSize={BatchSize} newBatchThreshold={Threshold} maxDequeueCount={Max} visibilityTimeout={Visibility}",
            functions.Count, settings.BatchSize, settings.NewBatchThreshold, settings.MaxDequeueCount, settings.VisibilityTimeout);

        await Task.WhenAll(functions.Select(f => ListenAsync(f, settings, new Uri(baseAddress), stoppingToken)));
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        using var stopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private async Task ListenAsync(QueueFunction function, QueueTriggerSettings settings, Uri baseAddress, CancellationToken ct)
    {
        var encoding = string.Equals(settings.MessageEncoding, "none", StringComparison.OrdinalIgnoreCase)
            ? QueueMessageEncoding.None
            : QueueMessageEncoding.Base64;
        var connection = configuration[function.Connection]
            ?? throw new InvalidOperationException($"Connection '{function.Connection}' of function '{function.Name}' is not set.");
        var queue = new QueueClient(connection, function.QueueName, new QueueClientOptions { MessageEncoding = encoding });
        var poison = new QueueClient(connection, function.QueueName + "-poison", new QueueClientOptions { MessageEncoding = encoding });
        await queue.CreateIfNotExistsAsync(cancellationToken: ct);

        var inFlight = 0;
        var slotFreed = new SemaphoreSlim(0);
        var delay = MinPollingInterval;
        var running = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            if (Volatile.Read(ref inFlight) > settings.NewBatchThreshold)
            {
                await slotFreed.WaitAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                continue;
            }

            QueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(settings.BatchSize, Lease, ct)).Value;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Queue {Queue} could not be polled", function.QueueName);
                batch = [];
            }

            if (batch.Length == 0)
            {
                await Task.Delay(delay, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));
                continue;
            }

            delay = MinPollingInterval;
            running.RemoveAll(t => t.IsCompleted);
            foreach (var message in batch)
            {
                Interlocked.Increment(ref inFlight);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await ProcessAsync(function, settings, queue, poison, message, baseAddress, ct);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                        slotFreed.Release();
                    }
                }, CancellationToken.None));
            }
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ProcessAsync(
        QueueFunction function, QueueTriggerSettings settings, QueueClient queue, QueueClient poison, QueueMessage message, Uri baseAddress, CancellationToken ct)
    {
        try
        {
            if (message.DequeueCount > settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, settings, ct);
                return;
            }

            var succeeded = await InvokeAsync(function, message, baseAddress, ct);
            if (succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            }
            else if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, settings, ct);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease expires and the message comes back, as with the real host.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Dispatch of message {MessageId} failed", message.MessageId);
        }
    }

    private async Task<bool> InvokeAsync(QueueFunction function, QueueMessage message, Uri baseAddress, CancellationToken ct)
    {
        var payload = new
        {
            Data = new Dictionary<string, object> { [function.BindingName] = message.Body.ToString() },
            Metadata = new Dictionary<string, object?>
            {
                ["DequeueCount"] = message.DequeueCount,
                ["ExpirationTime"] = message.ExpiresOn?.ToString("O", CultureInfo.InvariantCulture),
                ["Id"] = message.MessageId,
                ["InsertionTime"] = message.InsertedOn?.ToString("O", CultureInfo.InvariantCulture),
                ["NextVisibleTime"] = message.NextVisibleOn?.ToString("O", CultureInfo.InvariantCulture),
                ["PopReceipt"] = message.PopReceipt,
                ["sys"] = new { MethodName = function.Name, UtcNow = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), RandGuid = Guid.NewGuid() },
            },
        };

        using var http = httpClients.CreateClient(nameof(LocalQueueDispatcher));
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "/" + function.Name))
        {
            Content = JsonContent.Create(payload),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("Azure-Functions-Host/local-dispatcher");
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                logger.LogWarning("Function {Function} failed for message {MessageId} (dequeue {DequeueCount}): {Status} {Body}",
                    function.Name, message.MessageId, message.DequeueCount, (int)response.StatusCode, Shorten(body));
            }

            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Function {Function} unreachable for message {MessageId}", function.Name, message.MessageId);
            return false;
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, QueueTriggerSettings settings, CancellationToken ct)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: ct);
        await poison.SendMessageAsync(message.Body, cancellationToken: ct);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        logger.LogWarning("Message has reached MaxDequeueCount of {Max}. Moving message to queue '{Poison}'.", settings.MaxDequeueCount, poison.Name);
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
