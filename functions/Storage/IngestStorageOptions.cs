using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Storage;

/// <summary>
/// The "IngestStorage" connection, in the Functions host's own shape, so the queue trigger and the app read the same
/// settings: either a connection string as the section's value (<c>IngestStorage</c>: Azurite locally), or in Azure the
/// service URIs and the identity (<c>IngestStorage__blobServiceUri</c>, <c>IngestStorage__queueServiceUri</c>,
/// <c>IngestStorage__credential=managedidentity</c>, <c>IngestStorage__clientId</c>;
/// https://learn.microsoft.com/azure/azure-functions/functions-reference#configure-an-identity-based-connection).
/// A connection string wins, as it does for the host.
/// </summary>
public sealed class IngestStorageOptions : IValidatableObject
{
    public const string Section = "IngestStorage";

    /// <summary>The only credential kind the host knows by name; unset means DefaultAzureCredential (a developer's az login).</summary>
    public const string ManagedIdentity = "managedidentity";

    /// <summary>The section's own value (not bound by name: <see cref="StorageClients"/> copies it).</summary>
    public string? ConnectionString { get; set; }

    public string? BlobServiceUri { get; set; }

    public string? QueueServiceUri { get; set; }

    public string? Credential { get; set; }

    public string? ClientId { get; set; }

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>One line per broken rule, each naming the setting as it is set in Azure (environment form).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesConnectionString)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(BlobServiceUri) && string.IsNullOrWhiteSpace(QueueServiceUri))
        {
            yield return new ValidationResult(
                "IngestStorage is not set: give a storage connection string (Azurite locally) or IngestStorage:blobServiceUri, " +
                "IngestStorage:queueServiceUri and IngestStorage:credential=managedidentity (Azure).");
            yield break;
        }

        if (!IsHttpsUri(BlobServiceUri))
        {
            yield return new ValidationResult("IngestStorage:blobServiceUri must be the account's https blob endpoint (https://<account>.blob.core.windows.net/).");
        }

        if (!IsHttpsUri(QueueServiceUri))
        {
            yield return new ValidationResult("IngestStorage:queueServiceUri must be the account's https queue endpoint (https://<account>.queue.core.windows.net/).");
        }

        if (!string.IsNullOrEmpty(Credential) && !string.Equals(Credential, ManagedIdentity, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"IngestStorage:credential must be '{ManagedIdentity}' (or unset to use the developer's Azure sign-in).");
        }

        if (!string.IsNullOrEmpty(ClientId) && !Guid.TryParse(ClientId, out _))
        {
            yield return new ValidationResult("IngestStorage:clientId must be the user-assigned identity's client id (a GUID).");
        }
    }

    private static bool IsHttpsUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
