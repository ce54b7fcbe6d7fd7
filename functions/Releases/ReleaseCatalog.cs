using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using Npgsql;

namespace PecLists.Functions.Releases;

/// <summary>
/// The read side of releases in the central database: the published releases, each runtime's rollout, and for one site
/// the manifest it should run now (<see cref="ReleaseChoice"/>) with whether the operator cleared that version for it.
/// </summary>
public sealed class ReleaseCatalog(NpgsqlDataSource database)
{
    private const string ReleaseColumns = "manifest::text AS ManifestJson, blob_name AS BlobName, published_at AS PublishedAt, published_by AS PublishedBy";

    /// <summary>The release this site should run now, why, and whether its version was cleared for it (<see cref="WireNames.ReleaseClearedHeader"/>).</summary>
    public async Task<SiteRelease> ForSiteAsync(string site, string runtime, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var pinned = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT version FROM ingest.release_pins WHERE site_id = @site AND runtime = @runtime", new { site, runtime }, cancellationToken: ct));
        var rollout = await ReadRolloutAsync(connection, runtime, ct);
        var choice = ReleaseChoice.For(site, pinned, rollout);
        if (choice.Version is not { } version)
        {
            return new SiteRelease(choice, null, Expired: false, Cleared: false);
        }

        var release = await FindAsync(connection, runtime, version, ct);
        if (release is null || release.IsExpired(now))
        {
            return new SiteRelease(choice, null, Expired: release is not null, Cleared: false);
        }

        var cleared = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (SELECT 1 FROM ingest.release_blocks
                            WHERE site_id = @site AND version = @version
                              AND cleared_at IS NOT NULL AND cleared_at > coalesce(blocked_at, '-infinity'))
            """, new { site, version }, cancellationToken: ct));
        return new SiteRelease(choice, release, Expired: false, cleared);
    }

    public async Task<PublishedRelease?> FindAsync(string runtime, string version, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await FindAsync(connection, runtime, version, ct);
    }

    /// <summary>Every published release, newest version first per runtime.</summary>
    public async Task<IReadOnlyList<PublishedRelease>> ListAsync(string? runtime, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition(
            $"SELECT {ReleaseColumns} FROM ingest.releases WHERE @runtime::text IS NULL OR runtime = @runtime ORDER BY runtime, version_order DESC",
            new { runtime }, cancellationToken: ct));
        return [.. rows.Select(ToRelease)];
    }

    public async Task<RolloutState?> RolloutAsync(string runtime, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await ReadRolloutAsync(connection, runtime, ct);
    }

    internal static async Task<RolloutState?> ReadRolloutAsync(NpgsqlConnection connection, string runtime, CancellationToken ct, NpgsqlTransaction? transaction = null, bool forUpdate = false)
    {
        var row = await connection.QuerySingleOrDefaultAsync<RolloutRow>(new CommandDefinition(
            $"""
            SELECT runtime AS Runtime, current_version AS CurrentVersion, canary_version AS CanaryVersion, canary_sites AS CanarySites,
                   canary_percent AS CanaryPercent, halted AS Halted, changed_at AS ChangedAt, changed_by AS ChangedBy
              FROM ingest.release_rollouts WHERE runtime = @runtime {(forUpdate ? "FOR UPDATE" : string.Empty)}
            """, new { runtime }, transaction, cancellationToken: ct));
        return row is null
            ? null
            : new RolloutState(row.Runtime, row.CurrentVersion, row.CanaryVersion, row.CanarySites, row.CanaryPercent, row.Halted,
                new DateTimeOffset(DateTime.SpecifyKind(row.ChangedAt, DateTimeKind.Utc)), row.ChangedBy);
    }

    internal static async Task<PublishedRelease?> FindAsync(NpgsqlConnection connection, string runtime, string version, CancellationToken ct, NpgsqlTransaction? transaction = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ReleaseRow>(new CommandDefinition(
            $"SELECT {ReleaseColumns} FROM ingest.releases WHERE runtime = @runtime AND version = @version",
            new { runtime, version }, transaction, cancellationToken: ct));
        return row is null ? null : ToRelease(row);
    }

    private static PublishedRelease ToRelease(ReleaseRow row) => new(
        JsonSerializer.Deserialize(row.ManifestJson, ContractsJsonContext.Default.ReleaseManifestDto)!,
        row.BlobName,
        new DateTimeOffset(DateTime.SpecifyKind(row.PublishedAt, DateTimeKind.Utc)),
        row.PublishedBy);

    private sealed record ReleaseRow(string ManifestJson, string BlobName, DateTime PublishedAt, string PublishedBy);

    // A class, not a positional record: Npgsql reports a text[] column's type as System.Array, which no constructor matches.
    private sealed class RolloutRow
    {
        public string Runtime { get; init; } = string.Empty;

        public string? CurrentVersion { get; init; }

        public string? CanaryVersion { get; init; }

        public string[] CanarySites { get; init; } = [];

        public int CanaryPercent { get; init; }

        public bool Halted { get; init; }

        public DateTime ChangedAt { get; init; }

        public string ChangedBy { get; init; } = string.Empty;
    }
}
