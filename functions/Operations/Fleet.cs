using Dapper;
using Npgsql;

namespace Ingest.Functions.Operations;

public sealed record FleetSite(
    string Ibge, string Name, DateTime? LastHeartbeatAt, string? LastOutcome, string? LastErrorCode, string? UploaderVersion,
    DateTime? LastSnapshotAt, string? LastSnapshotStatus, double? HoursSilent);

/// <summary>One row per site: its last heartbeat and last snapshot, and how long it has been silent.</summary>
public static class Fleet
{
    public static async Task<IReadOnlyList<FleetSite>> ReadAsync(NpgsqlDataSource database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<FleetSite>(new CommandDefinition(
            """
            SELECT s.site_id AS Ibge, s.name AS Name,
                   h.received_at AS LastHeartbeatAt, h.report->>'outcome' AS LastOutcome, h.report->>'errorCode' AS LastErrorCode,
                   h.report->>'uploaderVersion' AS UploaderVersion,
                   n.received_at AS LastSnapshotAt, n.status AS LastSnapshotStatus,
                   (extract(epoch FROM now() - greatest(h.received_at, n.received_at)) / 3600.0)::float8 AS HoursSilent
              FROM ingest.sites s
              LEFT JOIN LATERAL (SELECT received_at, report FROM ingest.heartbeats WHERE site_id = s.site_id ORDER BY received_at DESC LIMIT 1) h ON true
              LEFT JOIN LATERAL (SELECT received_at, status FROM ingest.snapshots WHERE site_id = s.site_id ORDER BY received_at DESC LIMIT 1) n ON true
             ORDER BY s.site_id
            """, cancellationToken: ct))).ToList();
    }
}
