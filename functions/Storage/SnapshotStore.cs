using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Storage;

/// <summary>
/// Snapshots in Blob storage: the claim check and the source of truth for replay. The one owner of how a snapshot
/// blob is named and of its metadata keys (what replay reads back to rebuild a load reference).
/// </summary>
public sealed class SnapshotStore(BlobServiceClient blobs, IOptions<SnapshotStorageOptions> options)
{
    // Blob metadata keys: lowercase, as Azure returns them whatever case they were written in.
    private const string SiteKey = "site";
    private const string ListKey = "list";
    private const string ExtractedAtKey = "extractedat";
    private const string DigestKey = "digest";
    private const string SnapshotIdKey = "snapshotid";
    private const string ListVersionKey = "listversion";
    private const string DeliveryKey = "delivery";
    private const string CursorKey = "cursor";

    /// <summary>
    /// Where a held snapshot's blob waits for an operator: outside the lifecycle rule, whose prefixes are the container
    /// followed by a digit (every site id is 7 digits; bicep/modules/storage.bicep). Azure's lifecycle filters only
    /// include (prefixMatch, or blobIndexMatch with "==" alone), so a held blob is kept by its name, not by a tag.
    /// </summary>
    public const string HeldPrefix = "held/";

    private BlobContainerClient Container => blobs.GetBlobContainerClient(options.Value.Container);

    /// <summary>The name a snapshot's blob has while it is held.</summary>
    public static string HeldName(string blobName) =>
        blobName.StartsWith(HeldPrefix, StringComparison.Ordinal) ? blobName : HeldPrefix + blobName;

    /// <summary>The name a held snapshot's blob returns to once decided: under the lifecycle rule again.</summary>
    public static string ReleasedName(string blobName) =>
        blobName.StartsWith(HeldPrefix, StringComparison.Ordinal) ? blobName[HeldPrefix.Length..] : blobName;

    /// <summary>
    /// Writes a copy of a blob, metadata and headers included, over whatever has that name (so a retry repeats it).
    /// Streamed through this process: no copy-source authorization to set up, the same on Azurite and in Azure, and a
    /// fresh write, so the lifecycle rule counts the copy's age from now. Held snapshots are rare; this is their path.
    /// </summary>
    public async Task CopyAsync(string fromBlob, string toBlob, CancellationToken ct)
    {
        var source = Container.GetBlobClient(fromBlob);
        var properties = (await source.GetPropertiesAsync(cancellationToken: ct)).Value;
        await using var content = await source.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), ct);
        await Container.GetBlobClient(toBlob).UploadAsync(content, new BlobUploadOptions
        {
            Metadata = properties.Metadata,
            HttpHeaders = new BlobHttpHeaders { ContentType = properties.ContentType, ContentEncoding = properties.ContentEncoding },
        }, ct);
    }

    /// <summary>{site}/{list}/{yyyy}/{MM}/{dd}/{snapshotId}.csv.gz, the day in UTC of the extraction.</summary>
    public static string BlobName(string site, string list, DateTimeOffset extractedAt, Guid snapshotId)
    {
        var day = extractedAt.UtcDateTime;
        return $"{site}/{list}/{day:yyyy}/{day:MM}/{day:dd}/{snapshotId:D}.csv.gz";
    }

    /// <summary>Stores a whole snapshot once, with the metadata replay needs. Returns the digest already stored when the blob exists.</summary>
    public Task<string?> TryCreateAsync(SnapshotReference reference, int listVersion, string digest, Stream content, CancellationToken ct) =>
        TryCreateAsync(reference, listVersion, digest, null, null, content, ct);

    /// <summary>
    /// Stores a delivery once, with the metadata replay needs: what it holds (<paramref name="delivery"/>, null: a whole
    /// snapshot) and its cursor (ASCII, checked at ingest) too. Returns the digest already stored when the blob exists.
    /// </summary>
    public Task<string?> TryCreateAsync(SnapshotReference reference, int listVersion, string digest, string? delivery, string? cursor, Stream content, CancellationToken ct) =>
        TryCreateAsync(reference.Blob, content, Metadata(reference, listVersion, digest, delivery, cursor), ct);

    /// <summary>Stores the body once. Returns the digest already stored when the blob exists (a retry or a conflict).</summary>
    public async Task<string?> TryCreateAsync(string blobName, Stream content, IDictionary<string, string> metadata, CancellationToken ct)
    {
        var blob = Container.GetBlobClient(blobName);
        var upload = new BlobUploadOptions
        {
            Metadata = metadata,
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv", ContentEncoding = "gzip" },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            try
            {
                await blob.UploadAsync(content, upload, ct);
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // Bicep creates the container in Azure; locally the first upload does (no I/O at start-up).
                await Container.CreateIfNotExistsAsync(cancellationToken: ct);
                content.Position = 0;
                await blob.UploadAsync(content, upload, ct);
            }

            return null;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: ct);
            return properties.Value.Metadata.TryGetValue(DigestKey, out var digest) ? digest : string.Empty;
        }
    }

    /// <summary>
    /// Every stored snapshot of a site (and list), or of all; blobs whose metadata does not name a snapshot are passed over.
    /// </summary>
    public async IAsyncEnumerable<StoredSnapshot> ListAsync(string? site, string? list, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!await Container.ExistsAsync(ct))
        {
            yield break;
        }

        var prefix = site is null ? null : list is null ? $"{site}/" : $"{site}/{list}/";
        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, ct))
        {
            // A held snapshot's copy is reached through its row, never replayed as a second blob of the same snapshot.
            if (blob.Name.StartsWith(HeldPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (TryReadReference(blob.Name, blob.Metadata) is { } reference)
            {
                yield return new StoredSnapshot(
                    reference,
                    blob.Metadata.TryGetValue(DigestKey, out var digest) ? digest : string.Empty,
                    blob.Properties.ContentLength ?? 0,
                    blob.Metadata.TryGetValue(ListVersionKey, out var version) && int.TryParse(version, CultureInfo.InvariantCulture, out var v) ? v : null)
                {
                    // A blob stored before deliveries had kinds is a whole snapshot.
                    Delivery = blob.Metadata.TryGetValue(DeliveryKey, out var delivery) ? delivery : null,
                    Cursor = blob.Metadata.TryGetValue(CursorKey, out var cursor) ? cursor : null,
                };
            }
        }
    }

    /// <summary>Every blob kept outside the lifecycle rule as a held snapshot's (the retention run checks each still is one).</summary>
    public async IAsyncEnumerable<HeldBlob> ListHeldAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (!await Container.ExistsAsync(ct))
        {
            yield break;
        }

        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, HeldPrefix, ct))
        {
            yield return new HeldBlob(blob.Name, blob.Metadata.TryGetValue(SnapshotIdKey, out var id) && Guid.TryParse(id, out var snapshotId) ? snapshotId : null);
        }
    }

    public async Task<Stream> OpenReadAsync(string blobName, CancellationToken ct) =>
        await Container.GetBlobClient(blobName).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), ct);

    /// <summary>Whether the blob is stored; false too when the container is missing.</summary>
    public async Task<bool> ExistsAsync(string blobName, CancellationToken ct) =>
        await Container.GetBlobClient(blobName).ExistsAsync(ct);

    public Task DeleteIfExistsAsync(string blobName, CancellationToken ct) =>
        Container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: ct);

    private static Dictionary<string, string> Metadata(SnapshotReference reference, int listVersion, string digest, string? delivery, string? cursor)
    {
        var metadata = new Dictionary<string, string>
        {
            [ListVersionKey] = listVersion.ToString(CultureInfo.InvariantCulture),
            [SiteKey] = reference.Site,
            [ListKey] = reference.List,
            [ExtractedAtKey] = reference.ExtractedAt.ToString("O", CultureInfo.InvariantCulture),
            [DigestKey] = digest,
            [SnapshotIdKey] = reference.SnapshotId.ToString("D"),
        };
        if (delivery is not null)
        {
            metadata[DeliveryKey] = delivery;
        }

        if (cursor is not null)
        {
            metadata[CursorKey] = cursor;
        }

        return metadata;
    }

    private static SnapshotReference? TryReadReference(string blobName, IDictionary<string, string> metadata) =>
        metadata.TryGetValue(SiteKey, out var site) && metadata.TryGetValue(ListKey, out var list)
        && metadata.TryGetValue(SnapshotIdKey, out var id) && Guid.TryParse(id, out var snapshotId)
        && metadata.TryGetValue(ExtractedAtKey, out var at)
        && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var extractedAt)
            ? new SnapshotReference(snapshotId, site, list, blobName, extractedAt)
            : null;
}
