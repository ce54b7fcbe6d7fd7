namespace PecLists.Contracts;

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
    IReadOnlyList<HeartbeatCheck>? Checks = null,
    IReadOnlyList<RefusedDefinition>? RefusedDefinitions = null,
    IReadOnlyList<UnreportedRun>? UnreportedRuns = null,
    UpdateReportDto? Update = null);
