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
    public static QueueClientOptions QueueOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    public static BlobServiceClient CreateBlobs(IConfiguration configuration) => new(ConnectionString(configuration));

    public static QueueServiceClient CreateQueues(IConfiguration configuration) => new(ConnectionString(configuration), QueueOptions());

    public static IServiceCollection AddIngestStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp => CreateBlobs(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => CreateQueues(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<LoadQueue>();
        return services;
    }
}
