using System.Collections.Concurrent;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Storage;

/// <summary>
/// Builds the storage clients from the "IngestStorage" connection: a connection string locally and in tests, the
/// service URIs and the app's identity in Azure (<see cref="IngestStorageOptions"/>). The credential comes from
/// Microsoft.Extensions.Azure's factory, which reads <c>credential</c> and <c>clientId</c> as the Functions host does.
/// </summary>
public static class StorageClients
{
    /// <summary>Base64 on the wire, as the Functions queue trigger expects by default.</summary>
    public static QueueClientOptions QueueOptions() => WithShortRetries(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>The connection as configured (unvalidated): the section's value is the connection string.</summary>
    public static IngestStorageOptions ReadOptions(IConfiguration configuration)
    {
        var options = new IngestStorageOptions();
        Bind(options, configuration);
        return options;
    }

    /// <summary>Whether either form of the connection is set (the health check reports "not configured" otherwise).</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        var options = ReadOptions(configuration);
        return options.UsesConnectionString || !string.IsNullOrWhiteSpace(options.BlobServiceUri);
    }

    public static BlobServiceClient CreateBlobs(IConfiguration configuration, BlobClientOptions? clientOptions = null, AzureComponentFactory? factory = null)
    {
        var options = ReadOptions(configuration);
        clientOptions ??= WithShortRetries(new BlobClientOptions());
        return options.UsesConnectionString
            ? new BlobServiceClient(options.ConnectionString, clientOptions)
            : new BlobServiceClient(ServiceUri(options.BlobServiceUri, "blobServiceUri"), Credential(configuration, factory), clientOptions);
    }

    public static QueueServiceClient CreateQueues(IConfiguration configuration, QueueClientOptions? clientOptions = null, AzureComponentFactory? factory = null)
    {
        var options = ReadOptions(configuration);
        clientOptions ??= QueueOptions();
        return options.UsesConnectionString
            ? new QueueServiceClient(options.ConnectionString, clientOptions)
            : new QueueServiceClient(ServiceUri(options.QueueServiceUri, "queueServiceUri"), Credential(configuration, factory), clientOptions);
    }

    /// <summary>The identity of the "IngestStorage" section: ManagedIdentityCredential(clientId) for credential=managedidentity.</summary>
    public static TokenCredential Credential(IConfiguration configuration, AzureComponentFactory? factory = null)
    {
        var section = configuration.GetSection(IngestStorageOptions.Section);
        return factory is not null
            ? factory.CreateTokenCredential(section)
            : Credentials.GetOrAdd($"{section["credential"]}|{section["clientId"]}", _ => DefaultFactory.Value.CreateTokenCredential(section));
    }

    public static IServiceCollection AddIngestStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestStorageOptions>().Configure(options => Bind(options, configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestStorageOptions>, IngestStorageOptionsValidator>();
        services.AddSingleton(sp => CreateBlobs(Validated(sp)));
        services.AddSingleton(sp => CreateQueues(Validated(sp)));
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<UploadStaging>();
        return services;
    }

    // Resolving the options validates them, so a client is never built from a broken connection.
    private static IConfiguration Validated(IServiceProvider services)
    {
        _ = services.GetRequiredService<IOptions<IngestStorageOptions>>().Value;
        return services.GetRequiredService<IConfiguration>();
    }

    private static readonly Lazy<AzureComponentFactory> DefaultFactory = new(() =>
    {
        var services = new ServiceCollection();
        services.AddAzureClientsCore();
        return services.BuildServiceProvider().GetRequiredService<AzureComponentFactory>();
    });

    // One credential per identity for the process: each keeps its own token cache (the health probe builds clients often).
    private static readonly ConcurrentDictionary<string, TokenCredential> Credentials = new(StringComparer.OrdinalIgnoreCase);

    private static void Bind(IngestStorageOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(IngestStorageOptions.Section);
        options.ConnectionString = section.Value;
        options.BlobServiceUri = section["blobServiceUri"];
        options.QueueServiceUri = section["queueServiceUri"];
        options.Credential = section["credential"];
        options.ClientId = section["clientId"];
    }

    private static Uri ServiceUri(string? value, string name) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"IngestStorage__{name} is not set: give the storage account's endpoint or an IngestStorage connection string.");

    /// <summary>
    /// Storage's default (6 tries, 0.8 s doubling: about 25 s) kept each upload waiting half a minute during a storage
    /// outage before its 503 (fault campaign, issue 12). Every caller here retries on its own (the uploader on 503, the
    /// load function with its back-off, the host with the queue's dequeue count), so a short in-request retry is enough.
    /// </summary>
    private static T WithShortRetries<T>(T options) where T : Azure.Core.ClientOptions
    {
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        return options;
    }
}
