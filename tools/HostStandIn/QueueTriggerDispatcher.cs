using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace HostStandIn;

/// <summary>
/// Plays the host's queue listener for one queue-triggered function: polls like it (batchSize, newBatchThreshold,
/// exponential back-off up to maxPollingInterval), POSTs the host's invocation payload to /{function}, deletes the
/// message on success, releases it with visibilityTimeout on failure, and moves it to "{queue}-poison" at
/// maxDequeueCount. While an invocation runs its message's lease is renewed, as the host's listener does. Storage being
/// down never stops it: it logs and tries again.
/// </summary>
public sealed class QueueTriggerDispatcher(
    QueueFunction function, QueueTriggerSettings settings, string connectionString, InvocationDispatcher dispatcher, TimeSpan lease, HostLog log)
{
    /// <summary>
    /// Host (Azure/azure-sdk-for-net, sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/Listeners/QueueListener.cs,
    /// constructor): <c>_visibilityTimeout = TimeSpan.FromMinutes(10)</c>, the lease every message is received with.
    /// </summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// One listener per queue-triggered function of the app, its connection read from the app settings as the host
    /// reads it. A retry policy is ignored, as the host ignores it for queue triggers.
    /// </summary>
    public static IReadOnlyList<QueueTriggerDispatcher> ForApp(ScriptRoot root, AppSettings settings, InvocationDispatcher dispatcher, TimeSpan lease, HostLog log)
    {
        var queueSettings = root.QueueSettings();
        var dispatchers = new List<QueueTriggerDispatcher>();
        foreach (var function in root.QueueFunctions())
        {
            if (root.RetryPolicyOf(function.Name) is not null)
            {
                log.Host($"function '{function.Name}': retry policies do not apply to queue triggers (the extension retries with dequeueCount and the poison queue); ignored, as by the host");
            }

            var connection = settings[function.Connection]
                ?? throw new InvalidOperationException(
                    $"Function '{function.Name}': app setting '{function.Connection}' (a storage connection string) is not set; " +
                    "identity-based connections (__queueServiceUri) need Azure and are not reproduced locally.");
            dispatchers.Add(new QueueTriggerDispatcher(function, queueSettings, connection, dispatcher, lease, log));
        }

        return dispatchers;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var options = new QueueClientOptions
        {
            MessageEncoding = string.Equals(settings.MessageEncoding, "none", StringComparison.OrdinalIgnoreCase)
                ? QueueMessageEncoding.None
                : QueueMessageEncoding.Base64,
        };
        var queue = new QueueClient(connectionString, function.QueueName, options);
        var poison = new QueueClient(connectionString, function.QueueName + "-poison", options);

        var inFlight = 0;
        var slotFreed = new SemaphoreSlim(0);
        var delay = MinPollingInterval;
        var running = new List<Task>();
        var queueReady = false;
        while (!ct.IsCancellationRequested)
        {
            if (Volatile.Read(ref inFlight) > settings.NewBatchThreshold)
            {
                try
                {
                    await slotFreed.WaitAsync(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            QueueMessage[] batch;
            try
            {
                if (!queueReady)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: ct);
                    queueReady = true;
                }

                batch = (await queue.ReceiveMessagesAsync(settings.BatchSize, lease, ct)).Value;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                log.Host($"queue '{function.QueueName}' unreachable ({ex.GetType().Name}: {FirstLine(ex.Message)}); polling again in {settings.MaxPollingInterval.TotalSeconds:F0} s");
                await Task.Delay(settings.MaxPollingInterval, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
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
                        await ProcessAsync(queue, poison, message, ct);
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

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        try
        {
            if (message.DequeueCount > settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, message.PopReceipt, ct);
                return;
            }

            var receipt = new LeaseReceipt(message.PopReceipt);
            bool succeeded;
            using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var renewal = RenewLeaseAsync(queue, message.MessageId, receipt, renewing.Token);
                succeeded = await InvokeAsync(message, ct);
                await renewing.CancelAsync();
                await renewal;
            }

            if (succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, receipt.PopReceipt, ct);
            }
            else if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, receipt.PopReceipt, ct);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, receipt.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease expires and the message comes back, as with the real host.
        }
        catch (Exception ex)
        {
            log.Host($"dispatch of message {message.MessageId} failed: {ex.GetType().Name}: {FirstLine(ex.Message)}");
        }
    }

    /// <summary>
    /// Host: QueueListener.ProcessMessageAsync starts CreateUpdateMessageVisibilityTimer around the invocation: first at half
    /// the lease (<c>new TimeSpan(visibilityTimeout.Ticks / 2)</c>), UpdateQueueMessageVisibilityCommand sets the message
    /// invisible for the whole lease again and the new pop receipt replaces the old (<c>onUpdateReceipt</c>), so the
    /// message never reappears while its function runs, however long. (A failed renewal is retried sooner by the host,
    /// LinearSpeedupStrategy down to 1 minute; here at the same interval.)
    /// </summary>
    private async Task RenewLeaseAsync(QueueClient queue, string messageId, LeaseReceipt receipt, CancellationToken ct)
    {
        var interval = TimeSpan.FromTicks(lease.Ticks / 2);
        while (!ct.IsCancellationRequested)
        {
            if (!await Delay(interval, ct))
            {
                return;
            }

            try
            {
                var updated = await queue.UpdateMessageAsync(messageId, receipt.PopReceipt, visibilityTimeout: lease, cancellationToken: ct);
                receipt.PopReceipt = updated.Value.PopReceipt;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.Host($"renewing the lease of message {messageId} failed: {ex.GetType().Name}: {FirstLine(ex.Message)}");
            }
        }
    }

    private static async Task<bool> Delay(TimeSpan interval, CancellationToken ct)
    {
        await Task.Delay(interval, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !ct.IsCancellationRequested;
    }

    private Task<bool> InvokeAsync(QueueMessage message, CancellationToken ct) =>
        DefaultInvocation.InvokeAsync(dispatcher, function.Name, QueueInvocationPayload.Build(function, message), log,
            $", message {message.MessageId}, dequeue {message.DequeueCount}", ct);

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, string popReceipt, CancellationToken ct)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: ct);
        await poison.SendMessageAsync(message.Body, cancellationToken: ct);
        await queue.DeleteMessageAsync(message.MessageId, popReceipt, ct);
        log.Host($"Message has reached MaxDequeueCount of {settings.MaxDequeueCount}. Moving message to queue '{poison.Name}'.");
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
