using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Ingest.Contracts;
using Ingest.Functions.Http;
using Ingest.Functions.Lists;
using Npgsql;

namespace Ingest.Functions.Ingest;

/// <summary>GET endpoints for sites: snapshot status (own site only) and the list definitions (with ETag).</summary>
public static class ReadEndpoints
{
    public static async Task<IResult> SnapshotStatusAsync(HttpContext context, string site, string snapshotIdText, NpgsqlDataSource database)
    {
        if (!Guid.TryParseExact(snapshotIdText, "D", out var snapshotId))
        {
            return Problems.Result(400, "bad-snapshot-id", "Bad snapshot id", "The snapshot id must be a UUID.");
        }

        await using var connection = await database.OpenConnectionAsync(context.RequestAborted);
        var row = await connection.QueryFirstOrDefaultAsync<SnapshotRow>(new CommandDefinition(
            """
            SELECT snapshot_id AS SnapshotId, site_id AS Site, list_name AS List, status AS Status, extracted_at AS ExtractedAt,
                   received_at AS ReceivedAt, load_started_at AS LoadStartedAt, load_finished_at AS LoadFinishedAt,
                   rows_inserted AS Inserted, rows_updated AS Updated, rows_deleted AS Deleted, rows_unchanged AS Unchanged,
                   error_code AS ErrorCode, error_detail AS ErrorDetail
              FROM ingest.snapshots WHERE snapshot_id = @snapshotId
            """,
            new { snapshotId }, cancellationToken: context.RequestAborted));

        // Another site's snapshot is answered exactly like a missing one: ids of other sites are not disclosed.
        if (row is null || row.Site != site)
        {
            return Problems.Result(404, "unknown-snapshot", "Unknown snapshot", "No snapshot with this id was received from this site.");
        }

        return TypedResults.Ok(row.ToDto());
    }

    public static async Task<IResult> ListDefinitionsAsync(HttpContext context, string site, ListCatalog catalog)
    {
        var active = await catalog.GetActiveAsync(context.RequestAborted);
        var body = new ListCatalogDto(active.Values.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => l.ToDto()).ToList(), site);
        var json = JsonSerializer.SerializeToUtf8Bytes(body, ContractsJsonContext.Default.ListCatalogDto);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(json))[..32]}\"";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Any(v => v == etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(json, "application/json");
    }

    private sealed record SnapshotRow(
        Guid SnapshotId, string Site, string List, string Status, DateTime ExtractedAt, DateTime ReceivedAt,
        DateTime? LoadStartedAt, DateTime? LoadFinishedAt, long? Inserted, long? Updated, long? Deleted, long? Unchanged,
        string? ErrorCode, string? ErrorDetail)
    {
        public SnapshotStatusDto ToDto() => new(
            SnapshotId, Site, List,
            Status == "received" ? SnapshotStatuses.Queued : Status,
            Utc(ExtractedAt), Utc(ReceivedAt), UtcOrNull(LoadStartedAt), UtcOrNull(LoadFinishedAt),
            Inserted is null ? null : new SnapshotRowCounts(Inserted ?? 0, Updated ?? 0, Deleted ?? 0, Unchanged ?? 0),
            ErrorCode, ErrorDetail);

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

        private static DateTimeOffset? UtcOrNull(DateTime? value) => value is { } v ? Utc(v) : null;
    }
}
