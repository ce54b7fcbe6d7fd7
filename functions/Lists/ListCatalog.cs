using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using Npgsql;

namespace PecLists.Functions.Lists;

/// <summary>
/// Every stored version of every list definition, read from the central database and cached briefly. Sites are served
/// the active versions; a snapshot is checked and loaded with the version its header matched (docs/design.md §5).
/// </summary>
public sealed class ListCatalog(NpgsqlDataSource dataSource, TimeProvider time) : IDisposable
{
    private const string SelectStored =
        """
        SELECT name AS Name, version AS Version, description AS Description, sql AS Sql, columns::text AS Columns, key_columns AS Key,
               is_active AS Active, signature AS Signature, signed_at AS SignedAt, signature_v2 AS SignatureV2, mode AS Mode,
               source::text AS Source, incremental::text AS Incremental, schedule::text AS Schedule, views::text AS Views, signature_v3 AS SignatureV3
          FROM ingest.list_definitions
        """;

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (DateTimeOffset At, Snapshot Lists)? _cache;

    public async Task<IReadOnlyDictionary<string, ListDefinition>> GetActiveAsync(CancellationToken ct) => (await GetAsync(ct)).Active;

    public async Task<ListDefinition?> FindAsync(string name, CancellationToken ct) =>
        (await GetActiveAsync(ct)).GetValueOrDefault(name);

    /// <summary>Every stored version of a list, the active one first, then newest first; empty when the list has no active version.</summary>
    public async Task<IReadOnlyList<ListDefinition>> CandidatesAsync(string name, CancellationToken ct)
    {
        var lists = await GetAsync(ct);
        return lists.Active.TryGetValue(name, out var active)
            ? [active, .. lists.Versions.GetValueOrDefault(name, []).Where(v => v.Version != active.Version)]
            : [];
    }

    /// <summary>One stored version; read again from the database once when the cache does not have it yet.</summary>
    public async Task<ListDefinition?> FindVersionAsync(string name, int version, CancellationToken ct)
    {
        var found = Find(await GetAsync(ct), name, version);
        if (found is null)
        {
            Invalidate();
            found = Find(await GetAsync(ct), name, version);
        }

        return found;
    }

    public void Invalidate() => _cache = null;

    public void Dispose() => _refresh.Dispose();

    public static async Task<IReadOnlyDictionary<string, ListDefinition>> LoadActiveAsync(NpgsqlDataSource dataSource, CancellationToken ct) =>
        (await LoadAsync(dataSource, ct)).Active;

    private static ListDefinition? Find(Snapshot lists, string name, int version) =>
        lists.Versions.GetValueOrDefault(name, []).FirstOrDefault(v => v.Version == version);

    private async Task<Snapshot> GetAsync(CancellationToken ct)
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

            var lists = await LoadAsync(dataSource, ct);
            _cache = (time.GetUtcNow(), lists);
            return lists;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>
    /// Every stored version of one list, oldest first, read in <paramref name="transaction"/> (the publisher's, which holds
    /// the list's lock) with every part, so a new version is checked against all of what was published.
    /// </summary>
    public static async Task<IReadOnlyList<ListDefinition>> ReadVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken ct) =>
        [.. (await connection.QueryAsync<StoredDefinition>(new CommandDefinition(
            $"{SelectStored} WHERE name = @name ORDER BY version", new { name }, transaction, cancellationToken: ct))).Select(r => r.ToDefinition())];

    /// <summary>The active version of one list, read in <paramref name="transaction"/>; null when none is active.</summary>
    public static async Task<ListDefinition?> ReadActiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken ct) =>
        (await connection.QueryFirstOrDefaultAsync<StoredDefinition>(new CommandDefinition(
            $"{SelectStored} WHERE name = @name AND is_active", new { name }, transaction, cancellationToken: ct)))?.ToDefinition();

    /// <summary>One stored version, read in <paramref name="transaction"/> and locked for it; null when there is no such version.</summary>
    public static async Task<ListDefinition?> ReadVersionForUpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, int version, CancellationToken ct) =>
        (await connection.QueryFirstOrDefaultAsync<StoredDefinition>(new CommandDefinition(
            $"{SelectStored} WHERE name = @name AND version = @version FOR UPDATE", new { name, version }, transaction, cancellationToken: ct)))?.ToDefinition();

    private static async Task<Snapshot> LoadAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<StoredDefinition>(new CommandDefinition(
            $"{SelectStored} ORDER BY name, version DESC", cancellationToken: ct))).ToList();
        return new Snapshot(
            rows.Where(r => r.Active).ToDictionary(r => r.Name, r => r.ToDefinition(), StringComparer.Ordinal),
            rows.GroupBy(r => r.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<ListDefinition>)[.. g.Select(r => r.ToDefinition())], StringComparer.Ordinal));
    }

    public static List<ListColumnDto> ParseColumns(string json) =>
        JsonSerializer.Deserialize<List<ListColumnDto>>(json, JsonSerializerOptions.Web) ?? [];

    /// <summary>A row of ingest.list_definitions as Dapper reads it.</summary>
    private sealed class StoredDefinition
    {
        public string Name { get; init; } = string.Empty;

        public int Version { get; init; }

        public string Description { get; init; } = string.Empty;

        public string Sql { get; init; } = string.Empty;

        public string Columns { get; init; } = "[]";

        public string[] Key { get; init; } = [];

        public bool Active { get; init; }

        public string? Signature { get; init; }

        public DateTime? SignedAt { get; init; }

        public string? SignatureV2 { get; init; }

        public string Mode { get; init; } = LoadModes.Snapshot;

        public string? Source { get; init; }

        public string? Incremental { get; init; }

        public string? Schedule { get; init; }

        public string? Views { get; init; }

        public string? SignatureV3 { get; init; }

        public ListDefinition ToDefinition() => new(
            Name, Version, Description, Sql, ParseColumns(Columns), Key, Signature,
            SignedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null, SignatureV2,
            Mode == LoadModes.Snapshot ? null : Mode,
            DefinitionParts.Parse<ListSourceDto>(Source), DefinitionParts.Parse<IncrementalDto>(Incremental),
            DefinitionParts.Parse<ScheduleDto>(Schedule), DefinitionParts.Parse<List<DerivedViewDto>>(Views), SignatureV3);
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, ListDefinition> Active, IReadOnlyDictionary<string, IReadOnlyList<ListDefinition>> Versions);
}
