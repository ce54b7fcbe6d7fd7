using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using Npgsql;

namespace PecLists.Functions.Lists;

/// <summary>Active list definitions, read from the central database and cached briefly.</summary>
public sealed class ListCatalog(NpgsqlDataSource dataSource, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (DateTimeOffset At, IReadOnlyDictionary<string, ListDefinition> Lists)? _cache;

    public async Task<IReadOnlyDictionary<string, ListDefinition>> GetActiveAsync(CancellationToken ct)
    {
        if (_cache is { } cached && time.GetUtcNow() - cached.At < CacheFor)
        {
            return cached.Lists;
        }

        await _refresh.WaitAsync(ct);
        try
        {
            if (_cache is { } again && time.GetUtcNow() - again.At < CacheFor)
            {
                return again.Lists;
            }

            var lists = await LoadActiveAsync(dataSource, ct);
            _cache = (time.GetUtcNow(), lists);
            return lists;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public async Task<ListDefinition?> FindAsync(string name, CancellationToken ct) =>
        (await GetActiveAsync(ct)).GetValueOrDefault(name);

    public void Invalidate() => _cache = null;

    public void Dispose() => _refresh.Dispose();

    public static async Task<IReadOnlyDictionary<string, ListDefinition>> LoadActiveAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Name, int Version, string Description, string Sql, string Columns, string[] Key, string? Signature)>(
            new CommandDefinition(
                "SELECT name, version, description, sql, columns::text, key_columns, signature FROM ingest.list_definitions WHERE is_active",
                cancellationToken: ct));
        return rows.ToDictionary(
            r => r.Name,
            r => new ListDefinition(r.Name, r.Version, r.Description, r.Sql, ParseColumns(r.Columns), r.Key, r.Signature),
            StringComparer.Ordinal);
    }

    private static List<ListColumnDto> ParseColumns(string json) =>
        JsonSerializer.Deserialize<List<ListColumnDto>>(json, JsonSerializerOptions.Web) ?? [];
}
