using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace PecLists.Functions.Storage;

/// <summary>Builds the storage clients from the "IngestStorage" connection (a connection string locally and in tests).</summary>
public static class StorageClients
{
    public static string ConnectionString(IConfiguration configuration) =>
        configuration[IngestOptions.StorageConnectionName] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"'{IngestOptions.StorageConnectionName}' is not set: give the storage connection string (Azurite locally).");

    /// <summary>Base64 on the wire, as the Functions queue trigger expects by default.</summary>
    public static QueueClientOptions QueueOptions() => WithShortRetries(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public static BlobServiceClient CreateBlobs(IConfiguration configuration) => new(ConnectionString(configuration), WithShortRetries(new BlobClientOptions()));

    public static QueueServiceClient CreateQueues(IConfiguration configuration) => new(ConnectionString(configuration), QueueOptions());

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

    public static IServiceCollection AddIngestStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp => CreateBlobs(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => CreateQueues(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<LoadQueue>();
        return services;
    }
}
