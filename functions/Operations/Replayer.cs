using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Dapper;
using Ingest.Functions.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ingest.Functions.Operations;

/// <summary>Which snapshots to replay: every filter is optional; the window is on the snapshot's extraction time.</summary>
public sealed record ReplayFilter(string? Site = null, string? List = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null)
{
    public bool Matches(LoadMessage message) =>
        (Site is null || message.Site == Site)
        && (List is null || message.List == List)
        && (Since is null || message.ExtractedAt >= Since)
        && (Until is null || message.ExtractedAt < Until);
}

public sealed record ReplayItem(Guid SnapshotId, string Site, string List, DateTimeOffset ExtractedAt);

public sealed record ReplayReport(string Source, bool DryRun, int Replayed, IReadOnlyList<ReplayItem> Items);

/// <summary>
/// The ops path for failed loads. Poison messages go back to the load queue; or snapshots are re-queued straight
/// from Blob storage (the source of truth). Loads are idempotent, so replaying anything any number of times
/// leaves the central tables as one replay would.
/// </summary>
public sealed class Replayer(QueueServiceClient queues, BlobServiceClient blobs, NpgsqlDataSource database, IOptions<IngestOptions> options)
{
    private QueueClient LoadQueue => queues.GetQueueClient(options.Value.Queue);

    private QueueClient PoisonQueue => queues.GetQueueClient(options.Value.Queue + "-poison");

    public async Task<ReplayReport> ReplayPoisonAsync(ReplayFilter filter, bool dryRun, CancellationToken ct)
    {
        var items = new List<ReplayItem>();
        if (!await PoisonQueue.ExistsAsync(ct))
        {
            return new ReplayReport("poison", dryRun, 0, items);
        }

        // Messages received in this pass stay invisible for the lease, so each is seen once; the ones left alone
        // (not matching, or dry run) are made visible again at the end.
        var lease = TimeSpan.FromMinutes(2);
        var leftAlone = new List<QueueMessage>();
        while (true)
        {
            var batch = (await PoisonQueue.ReceiveMessagesAsync(32, lease, ct)).Value;
            if (batch.Length == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                var load = LoadMessage.TryParse(message.Body.ToString());
                if (load is null || !filter.Matches(load))
                {
                    leftAlone.Add(message);
                    continue;
                }

                items.Add(new ReplayItem(load.SnapshotId, load.Site, load.List, load.ExtractedAt));
                if (dryRun)
                {
                    leftAlone.Add(message);
                    continue;
                }

                await SendAsync(load, ct);
                await PoisonQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            }
        }

        foreach (var message in leftAlone)
        {
            await PoisonQueue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct);
        }

        return new ReplayReport("poison", dryRun, dryRun ? 0 : items.Count, items);
    }

    public async Task<ReplayReport> ReplayBlobsAsync(ReplayFilter filter, bool dryRun, CancellationToken ct)
    {
        var container = blobs.GetBlobContainerClient(options.Value.Container);
        var items = new List<ReplayItem>();
        if (!await container.ExistsAsync(ct))
        {
            return new ReplayReport("blobs", dryRun, 0, items);
        }

        var prefix = filter.Site is null ? null : filter.List is null ? $"{filter.Site}/" : $"{filter.Site}/{filter.List}/";
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, prefix, ct))
        {
            if (!TryReadReference(blob.Name, blob.Metadata, out var load) || !filter.Matches(load))
            {
                continue;
            }

            items.Add(new ReplayItem(load.SnapshotId, load.Site, load.List, load.ExtractedAt));
            if (!dryRun)
            {
                await EnsureBookkeepingAsync(load, blob.Metadata, blob.Properties.ContentLength ?? 0, ct);
                await SendAsync(load, ct);
            }
        }

        return new ReplayReport("blobs", dryRun, dryRun ? 0 : items.Count, items);
    }

    private async Task SendAsync(LoadMessage load, CancellationToken ct)
    {
        await LoadQueue.CreateIfNotExistsAsync(cancellationToken: ct);
        await LoadQueue.SendMessageAsync(load.ToJson(), ct);
    }

    private static bool TryReadReference(string blobName, IDictionary<string, string> metadata, out LoadMessage load)
    {
        load = null!;
        if (!metadata.TryGetValue("site", out var site) || !metadata.TryGetValue("list", out var list)
            || !metadata.TryGetValue("snapshotid", out var id) || !Guid.TryParse(id, out var snapshotId)
            || !metadata.TryGetValue("extractedat", out var at)
            || !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var extractedAt))
        {
            return false;
        }

        load = new LoadMessage(snapshotId, site, list, blobName, extractedAt);
        return true;
    }

    /// <summary>A blob whose bookkeeping row is gone (e.g. a database restore) gets it back, queued.</summary>
    private async Task EnsureBookkeepingAsync(LoadMessage load, IDictionary<string, string> metadata, long bytes, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, status)
            VALUES (@SnapshotId, @Site, @List, @Blob, @digest, @bytes, @ExtractedAt, 'queued')
            ON CONFLICT (snapshot_id) DO NOTHING
            """,
            new { load.SnapshotId, load.Site, load.List, load.Blob, digest = metadata.TryGetValue("digest", out var d) ? d : string.Empty, bytes, load.ExtractedAt },
            cancellationToken: ct));
    }
}
