using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Storage;

/// <summary>Snapshots in Blob storage: the claim check and the source of truth for replay.</summary>
public sealed class SnapshotStore(BlobServiceClient blobs, IOptions<IngestOptions> options)
{
    private BlobContainerClient Container => blobs.GetBlobContainerClient(options.Value.Container);

    public static string BlobName(string site, string list, DateTimeOffset extractedAt, Guid snapshotId)
    {
        var day = extractedAt.UtcDateTime;
        return $"{site}/{list}/{day:yyyy}/{day:MM}/{day:dd}/{snapshotId:D}.csv.gz";
    }

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
            return properties.Value.Metadata.TryGetValue("digest", out var digest) ? digest : string.Empty;
        }
    }

    public async Task<Stream> OpenReadAsync(string blobName, CancellationToken ct) =>
        await Container.GetBlobClient(blobName).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), ct);

    public Task DeleteIfExistsAsync(string blobName, CancellationToken ct) =>
        Container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: ct);

}
