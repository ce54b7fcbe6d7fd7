using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ingest.Contracts;

/// <summary>One nominal list the site must extract (GET /api/v1/lists).</summary>
public sealed record ListDefinitionDto(
    string Name,
    int Version,
    string Sql,
    IReadOnlyList<ListColumnDto> Columns,
    IReadOnlyList<string> Key);

public sealed record ListColumnDto(string Name, string Type);

/// <summary>The lists a site must send; <c>Site</c> is the IBGE code the token belongs to (install learns it here).</summary>
public sealed record ListCatalogDto(IReadOnlyList<ListDefinitionDto> Lists, string? Site = null);

/// <summary>Snapshot status (GET /api/v1/snapshots/{id}).</summary>
public sealed record SnapshotStatusDto(
    Guid SnapshotId,
    string Site,
    string List,
    string Status,
    DateTimeOffset ExtractedAt,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? LoadStartedAt,
    DateTimeOffset? LoadFinishedAt,
    SnapshotRowCounts? Rows,
    string? ErrorCode,
    string? Reason);

public sealed record SnapshotRowCounts(long Inserted, long Updated, long Deleted, long Unchanged);

/// <summary>Snapshot statuses (docs/design.md §3).</summary>
public static class SnapshotStatuses
{
    /// <summary>Stored and recorded, not yet queued. Internal: the status endpoint shows it as <see cref="Queued"/>.</summary>
    public const string Received = "received";
    public const string Queued = "queued";
    public const string Loading = "loading";
    public const string Loaded = "loaded";
    public const string Skipped = "skipped";
    public const string Rejected = "rejected";
    public const string Failed = "failed";

    public static bool IsFinal(string status) => status is Loaded or Skipped or Rejected;
}

/// <summary>Source-generated JSON metadata so the NativeAOT uploader needs no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ListCatalogDto))]
[JsonSerializable(typeof(SnapshotStatusDto))]
[JsonSerializable(typeof(HeartbeatDto))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;

/// <summary>The uploader's health report (POST /api/v1/heartbeats) after every run and every doctor. No personal data.</summary>
public sealed record HeartbeatDto(
    string Kind,
    string UploaderVersion,
    string Os,
    DateTimeOffset SentAt,
    string? Outcome = null,
    string? ErrorCode = null,
    DateTimeOffset? LastRunAt = null,
    bool? DatabaseReachable = null,
    string? PecVersion = null,
    DateTimeOffset? PecReportsRefreshedAt = null,
    int? SpoolDepth = null,
    int? SpoolDropped = null,
    double? ClockSkewSeconds = null,
    long? DiskFreeBytes = null,
    IReadOnlyList<HeartbeatCheck>? Checks = null);

/// <summary>One doctor check: a stable name, whether it passed, and a stable error code when it did not.</summary>
public sealed record HeartbeatCheck(string Name, bool Ok, string? Code = null);
