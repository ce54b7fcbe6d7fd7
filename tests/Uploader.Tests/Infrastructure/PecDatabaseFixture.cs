using System.Text.Json;
using PecLists.Contracts;
using LocalInfra;
using Npgsql;
using SyntheticPec;

namespace PecLists.Uploader.Tests;

/// <summary>One throwaway PostgreSQL cluster with a populated synthetic PEC database and its read-only role.</summary>
public sealed class PecDatabaseFixture : IAsyncLifetime
{
    public const string Database = "esus";
    public const string ReadOnlyRole = "esus_leitura";
    public const string ReadOnlyPassword = "leitura";
    public const int Citizens = 3_000;

    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>As the read-only role, like the uploader on a municipal server.</summary>
    public string ReadOnlyConnectionString => Server.ConnectionString(Database, ReadOnlyRole, ReadOnlyPassword);

    /// <summary>As the superuser: for setup and for proving that read-only comes from the transaction, not from privileges.</summary>
    public string SuperuserConnectionString => Server.ConnectionString(Database);

    public static string HipertensosSql => File.ReadAllText(Path.Combine(RepoPaths.ListsDirectory, "hipertensos.sql"));

    /// <summary>Ground truth about the generated municipality (<see cref="PecDatabase.PopulateAsync"/>).</summary>
    public PecSummary Summary { get; private set; } = null!;

    /// <summary>The names of every shipped list (lists/*.json), for theories.</summary>
    public static TheoryData<string> ListNames() =>
        [.. Directory.GetFiles(RepoPaths.ListsDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    /// <summary>A shipped list's SQL, its column names in order and its key (empty for a keyless list).</summary>
    public static (string Sql, IReadOnlyList<string> Columns, IReadOnlyList<string> Key) ListDefinition(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.ListsDirectory, name + ".json")));
        var root = json.RootElement;
        var sql = File.ReadAllText(Path.Combine(RepoPaths.ListsDirectory, root.GetProperty("sqlFile").GetString()!)).Trim();
        return (
            sql,
            [.. root.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)],
            [.. root.GetProperty("key").EnumerateArray().Select(k => k.GetString()!)]);
    }

    public static IReadOnlyList<string> HipertensosColumns()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.ListsDirectory, "hipertensos.json")));
        return [.. json.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
    }

    public static ListCatalogDto HipertensosCatalog()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.ListsDirectory, "hipertensos.json")));
        var root = json.RootElement;
        return new ListCatalogDto(
        [
            TestSigning.Sign(new ListDefinitionDto(
                root.GetProperty("name").GetString()!,
                root.GetProperty("version").GetInt32(),
                HipertensosSql,
                [.. root.GetProperty("columns").EnumerateArray().Select(c => new ListColumnDto(c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!))],
                [.. root.GetProperty("key").EnumerateArray().Select(k => k.GetString()!)])),
        ]);
    }

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        await _server.CreateDatabaseAsync(Database);
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await PecDatabase.CreateSchemaAsync(connection);
        Summary = await PecDatabase.PopulateAsync(connection, new PecSeed(Citizens, 42, "2304400", "Fortaleza", DateOnly.FromDateTime(DateTime.Today)));
        await PecDatabase.CreateReadOnlyRoleAsync(connection, ReadOnlyRole, ReadOnlyPassword);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<List<string?>> ColumnAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }

        return values;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PecDatabaseCollection : ICollectionFixture<PecDatabaseFixture>
{
    public const string Name = "PEC database";
}
