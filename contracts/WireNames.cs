namespace Ingest.Contracts;

/// <summary>HTTP header names and media types of wire contract v1 (docs/design.md §3).</summary>
public static class WireNames
{
    public const string ContentDigestHeader = "Content-Digest";
    public const string ExtractedAtHeader = "X-Extracted-At";
    public const string GzipEncoding = "gzip";
    public const string CsvMediaType = "text/csv";
    public const string ProblemMediaType = "application/problem+json";
}

/// <summary>Routes of the public API, as the Functions host exposes them (prefix "api").</summary>
public static class ApiRoutes
{
    public const string Snapshot = "/api/v1/lists/{list}/snapshots/{snapshotId}";
    public const string SnapshotStatus = "/api/v1/snapshots/{snapshotId}";
    public const string Lists = "/api/v1/lists";

    public static string SnapshotPath(string list, Guid snapshotId) =>
        $"/api/v1/lists/{Uri.EscapeDataString(list)}/snapshots/{snapshotId:D}";

    public static string SnapshotStatusPath(Guid snapshotId) => $"/api/v1/snapshots/{snapshotId:D}";
}
