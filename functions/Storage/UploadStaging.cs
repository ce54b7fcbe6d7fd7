using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Storage;

/// <summary>
/// The staging blobs of upload sessions (docs/adr/0021): uploads/{site}/{list}/{snapshotId}.csv.gz in the snapshot
/// container. A site writes its blocks there with a SAS for that one blob; only ingest, with its own identity, lists
/// them, commits them, reads the result and writes the snapshot's real blob. No SAS this class makes is ever logged.
/// </summary>
public sealed class UploadStaging(BlobServiceClient blobs, IOptions<SnapshotStorageOptions> options, TimeProvider time)
{
    /// <summary>Outside the lifecycle rule's prefixes ('&lt;container&gt;/0'..'9'), like held/: see bicep/modules/storage.bicep.</summary>
    public const string Prefix = "uploads/";

    // A SAS valid from a little before now: a site whose clock is behind would otherwise be refused at first.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private BlobContainerClient Container => blobs.GetBlobContainerClient(options.Value.Container);

    public static string BlobName(string site, string list, Guid snapshotId) => $"{Prefix}{site}/{list}/{snapshotId:D}.csv.gz";

    /// <summary>
    /// The staging blob's URI with a SAS that allows writing that blob alone (permission "w": Put Block and Put Block
    /// List; not read, list, delete or any other blob) until <paramref name="expiresOn"/>. With the account key
    /// (Azurite's connection string) a service SAS; with the app's identity in Azure a user delegation SAS, the only kind
    /// an account with shared keys off accepts (learn.microsoft.com/rest/api/storageservices/create-user-delegation-sas;
    /// Get User Delegation Key needs .../blobServices/generateUserDelegationKey/action, which Storage Blob Data Owner
    /// holds: learn.microsoft.com/rest/api/storageservices/get-user-delegation-key). Azurite answers Get User Delegation
    /// Key only to OAuth over HTTPS (Azure/Azurite#656, #2544), so the local path signs with the key, same scope.
    /// </summary>
    public async Task<Uri> WriteOnlySasAsync(string blobName, DateTimeOffset expiresOn, CancellationToken ct)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: ct); // Bicep creates it in Azure; locally the first session does
        var blob = Container.GetBlobClient(blobName);
        var startsOn = time.GetUtcNow() - ClockSkew;
        var sas = new BlobSasBuilder(BlobSasPermissions.Write, expiresOn)
        {
            BlobContainerName = Container.Name,
            BlobName = blobName,
            Resource = "b",
            StartsOn = startsOn,
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        var key = await blobs.GetUserDelegationKeyAsync(startsOn, expiresOn, ct);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, blobs.AccountName) }.ToUri();
    }

    /// <summary>Every block the staging blob has, staged or committed, by id with its size (none when it does not exist).</summary>
    public async Task<IReadOnlyDictionary<string, long>> BlocksAsync(string blobName, CancellationToken ct)
    {
        try
        {
            var list = (await Container.GetBlockBlobClient(blobName).GetBlockListAsync(BlockListTypes.All, cancellationToken: ct)).Value;
            var blocks = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var block in list.CommittedBlocks.Concat(list.UncommittedBlocks))
            {
                blocks[block.Name] = block.SizeLong;
            }

            return blocks;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new Dictionary<string, long>();
        }
    }

    /// <summary>
    /// Put Block List of <paramref name="blockIds"/> in order; each id is taken from the uncommitted blocks, else from
    /// the committed ones ("Latest"), so a repeat of a commit that already ran commits the same blob again.
    /// </summary>
    public Task CommitAsync(string blobName, IReadOnlyList<string> blockIds, CancellationToken ct) =>
        Container.GetBlockBlobClient(blobName).CommitBlockListAsync(blockIds, new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv", ContentEncoding = "gzip" },
        }, ct);

    public async Task<Stream> OpenReadAsync(string blobName, CancellationToken ct) =>
        await Container.GetBlobClient(blobName).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), ct);

    public Task DeleteIfExistsAsync(string blobName, CancellationToken ct) =>
        Container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: ct);

    /// <summary>The SAS URI with the scheme, host and port of <paramref name="siteEndpoint"/> when one is set (the path and query kept).</summary>
    public static Uri ForSites(Uri sasUri, string siteEndpoint)
    {
        if (siteEndpoint.Length == 0)
        {
            return sasUri;
        }

        var endpoint = new Uri(siteEndpoint);
        return new UriBuilder(sasUri) { Scheme = endpoint.Scheme, Host = endpoint.Host, Port = endpoint.Port }.Uri;
    }
}
