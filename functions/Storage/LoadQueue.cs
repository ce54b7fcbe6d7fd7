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

    public async Task EnqueueAsync(LoadMessage message, CancellationToken ct)
    {
        try
        {
            await Client.SendMessageAsync(message.ToJson(), ct);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.QueueNotFound)
        {
            // Bicep creates the queue in Azure; locally the first message does (no I/O at start-up).
            await Client.CreateIfNotExistsAsync(cancellationToken: ct);
            await Client.SendMessageAsync(message.ToJson(), ct);
        }
    }
}
