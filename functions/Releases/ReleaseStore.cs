using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Releases;

/// <summary>
/// Release binaries in Blob storage (container "Releases:Container"), named <c>{runtime}/{version}/{sha256}</c>: two
/// different builds published under one version at once never overwrite each other, and the row that registers a
/// release names the exact blob it verified. The signed manifest is kept beside it (<c>…/{sha256}.manifest.json</c>) so
/// the store alone is enough to re-register a release.
/// </summary>
public sealed class ReleaseStore(BlobServiceClient blobs, IOptions<ReleaseOptions> options)
{
    private const string ManifestSuffix = ".manifest.json";

    private BlobContainerClient Container => blobs.GetBlobContainerClient(options.Value.Container);

    public static string BlobName(string runtime, string version, string sha256) => $"{runtime}/{version}/{sha256}";

    /// <summary>Uploads the binary (over a copy a failed earlier attempt left) and its manifest; creates the container on first use.</summary>
    public async Task UploadAsync(string blobName, Stream binary, byte[] manifestJson, CancellationToken ct)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: ct);
        await Container.GetBlobClient(blobName).UploadAsync(binary, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
        }, ct);
        await Container.GetBlobClient(blobName + ManifestSuffix).UploadAsync(new BinaryData(manifestJson), overwrite: true, ct);
    }

    /// <summary>Replaces the manifest kept beside a binary (a re-signed manifest).</summary>
    public Task ReplaceManifestAsync(string blobName, byte[] manifestJson, CancellationToken ct) =>
        Container.GetBlobClient(blobName + ManifestSuffix).UploadAsync(new BinaryData(manifestJson), overwrite: true, ct);

    /// <summary>The binary's bytes from <paramref name="offset"/> (to <paramref name="length"/> bytes, or the end), streamed; null when the blob is missing.</summary>
    public async Task<Stream?> OpenAsync(string blobName, long offset, long? length, CancellationToken ct)
    {
        try
        {
            var response = await Container.GetBlobClient(blobName).DownloadStreamingAsync(
                new BlobDownloadOptions { Range = new HttpRange(offset, length) }, ct);
            return response.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The whole binary into <paramref name="destination"/> (the operator's <c>releases download</c>).</summary>
    public async Task DownloadToAsync(string blobName, Stream destination, CancellationToken ct) =>
        await Container.GetBlobClient(blobName).DownloadToAsync(destination, ct);
}
