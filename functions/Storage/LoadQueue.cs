using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Storage;

/// <summary>
/// Producer side of the load queue. Messages are base64-encoded because host.json says
/// <c>"messageEncoding": "base64"</c> (the queue trigger's default); the two must agree.
/// </summary>
public sealed class LoadQueue(QueueServiceClient queues, IOptions<IngestOptions> options)
{
    public QueueClient Client => queues.GetQueueClient(options.Value.Queue);

    public Task EnqueueAsync(LoadMessage message, CancellationToken ct) => SendAsync(message, null, ct);

    /// <summary>A new copy that becomes visible after <paramref name="delay"/>: its dequeue count starts again at zero.</summary>
    public Task DeferAsync(LoadMessage message, TimeSpan delay, CancellationToken ct) => SendAsync(message, delay, ct);

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
