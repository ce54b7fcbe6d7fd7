using Npgsql;
using PecLists.Functions.Data;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>
/// A freshly migrated central database of its own in the fixture's PostgreSQL, for tests that activate lists and create
/// views: what they serve and create is seen by no other test, and what they assert absent is absent for their reasons.
/// </summary>
public sealed class OwnDatabase : IAsyncDisposable
{
    private readonly InfraFixture _infra;

    private OwnDatabase(InfraFixture infra, string name)
    {
        _infra = infra;
        Name = name;
        ConnectionString = infra.Postgres.ConnectionString(name);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<OwnDatabase> CreateAsync(InfraFixture infra, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        await infra.Postgres.CreateDatabaseAsync(name);
        var outcome = Migrator.Migrate(infra.Postgres.ConnectionString(name), TextWriter.Null);
        Assert.True(outcome.Succeeded, outcome.Error);
        return new OwnDatabase(infra, name);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var connection = new NpgsqlConnection(_infra.Postgres.ConnectionString());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
