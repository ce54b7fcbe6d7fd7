using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Lists;
using PecLists.Functions.Sites;
using PecLists.Functions.Storage;
using LocalInfra;
using Npgsql;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>A real PostgreSQL (migrated central schema) and a real Azurite, shared by the integration tests.</summary>
public sealed class InfraFixture : IAsyncLifetime
{
    /// <summary>A small list with every kind of value the loader must carry exactly.</summary>
    public static readonly ListDefinition TestList = new(
        "pacientes_teste", 1, "test list", "SELECT 1",
        [
            new ListColumnDto("id", "bigint"),
            new ListColumnDto("nome", "text"),
            new ListColumnDto("nascimento", "date"),
            new ListColumnDto("ativo", "boolean"),
            new ListColumnDto("peso", "numeric"),
        ],
        ["id"]);

    public PostgresServer Postgres { get; private set; } = null!;

    public AzuriteServer Azurite { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public string CentralConnection => Postgres.ConnectionString("central");

    public BlobServiceClient Blobs => new(Azurite.ConnectionString);

    public QueueServiceClient Queues => new(Azurite.ConnectionString, StorageClients.QueueOptions());

    public async Task InitializeAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var azurite = AzuriteServer.StartAsync();
        try
        {
            await Task.WhenAll(postgres, azurite);
        }
        finally
        {
            // Keep whatever did start, even if the other part failed, so DisposeAsync stops it.
            Postgres = postgres.IsCompletedSuccessfully ? postgres.Result : null!;
            Azurite = azurite.IsCompletedSuccessfully ? azurite.Result : null!;
        }

        await Postgres.CreateDatabaseAsync("central");
        var outcome = Migrator.Migrate(CentralConnection, TextWriter.Null);
        Assert.True(outcome.Succeeded, outcome.Error);
        Database = NpgsqlDataSource.Create(CentralConnection);
        await ListPublisher.PublishAsync(Database, TestList, activate: true, CancellationToken.None);
    }

    /// <summary>A fresh site (unique IBGE-shaped code) so tests never see each other's rows.</summary>
    public async Task<string> NewSiteAsync()
    {
        var site = Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SiteTokens.AddSiteAsync(Database, site, $"Município {site}", CancellationToken.None);
        return site;
    }

    public async Task<int> BlobCountAsync(string container)
    {
        var client = Blobs.GetBlobContainerClient(container);
        if (!await client.ExistsAsync())
        {
            return 0;
        }

        var count = 0;
        await foreach (var _ in client.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    public async Task<int> QueuedCountAsync(string queue)
    {
        var client = Queues.GetQueueClient(queue);
        return await client.ExistsAsync() ? (await client.PeekMessagesAsync(32)).Value.Length : 0;
    }

    /// <summary>Null-safe: xunit disposes a fixture whose start failed half-way, and what did start must stop.</summary>
    public async Task DisposeAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "central database and storage";
}
