using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Loading;

/// <summary>
/// The load queue and its poison queue: their names, sending, deferring, and the replay's reading of poisoned
/// messages. Messages are base64-encoded because host.json says <c>"messageEncoding": "base64"</c> (the queue
/// trigger's default); the two must agree.
/// </summary>
public sealed class LoadQueue(QueueServiceClient queues, IOptions<LoadQueueOptions> options)
{
    /// <summary>The queue's name unless "Ingest:Queue" says otherwise; load/function.json names the same queue.</summary>
    public const string DefaultName = "snapshot-loads";

    /// <summary>Where the Functions host moves a message that failed maxDequeueCount times.</summary>
    public static string PoisonNameOf(string queue) => queue + "-poison";

    public string Name => options.Value.Queue;

    public string PoisonName => PoisonNameOf(Name);

    public QueueClient Client => queues.GetQueueClient(Name);

    private QueueClient Poison => queues.GetQueueClient(PoisonName);

    public Task EnqueueAsync(LoadMessage message, CancellationToken ct) => SendAsync(message, null, ct);

    /// <summary>A new copy that becomes visible after <paramref name="delay"/>: its dequeue count starts again at zero.</summary>
    public Task DeferAsync(LoadMessage message, TimeSpan delay, CancellationToken ct) => SendAsync(message, delay, ct);

    public async Task<bool> PoisonExistsAsync(CancellationToken ct) => await Poison.ExistsAsync(ct);

    /// <summary>Approximate messages waiting in the load queue and in its poison queue (0 for a queue not created yet).</summary>
    public async Task<(long Load, long Poison)> LengthsAsync(CancellationToken ct) =>
        (await LengthAsync(Client, ct), await LengthAsync(Poison, ct));

    private static async Task<long> LengthAsync(QueueClient queue, CancellationToken ct)
    {
        try
        {
            return (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }

    /// <summary>Up to 32 poisoned messages, invisible to others for <paramref name="lease"/>; empty when none is left.</summary>
    public async Task<QueueMessage[]> ReceivePoisonedAsync(TimeSpan lease, CancellationToken ct) =>
        (await Poison.ReceiveMessagesAsync(32, lease, ct)).Value;

    public Task DeletePoisonedAsync(QueueMessage message, CancellationToken ct) =>
        Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);

    /// <summary>Makes a received poisoned message visible again at once (left where it was).</summary>
    public Task ReleasePoisonedAsync(QueueMessage message, CancellationToken ct) =>
        Poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct);

    private async Task SendAsync(LoadMessage message, TimeSpan? delay, CancellationToken ct)
    {
        try
        {
            await Client.SendMessageAsync(message.ToJson(), delay, cancellationToken: ct);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.QueueNotFound)
        {
            // Bicep creates the queue in Azure; locally the first message does (no I/O at start-up).
            await Client.CreateIfNotExistsAsync(cancellationToken: ct);
            await Client.SendMessageAsync(message.ToJson(), delay, cancellationToken: ct);
        }
    }
}
