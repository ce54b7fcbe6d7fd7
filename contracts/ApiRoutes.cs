namespace Ingest.Contracts;

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
