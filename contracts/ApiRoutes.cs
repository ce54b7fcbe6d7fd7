namespace PecLists.Contracts;

/// <summary>
/// Every route of wire contract v1, as the Functions host exposes it ("api" prefix, docs/design.md §3). The handler
/// maps these templates and the uploader builds its requests from them; each function.json declares the same route
/// without the prefix (tests/Functions.Tests/Hosting/FunctionRoutesTests checks both ways).
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "/api/v1";

    // Site API (site token).
    public const string Snapshot = Prefix + "/lists/{list}/snapshots/{snapshotId}";
    public const string SnapshotStatus = Prefix + "/snapshots/{snapshotId}";

    /// <summary>POST: a write-only SAS for the snapshot's staging blob and the blocks already there (docs/adr/0021).</summary>
    public const string UploadSession = Snapshot + "/upload-session";

    /// <summary>POST: ingest commits the staged blocks and checks the blob exactly as a PUT's body (docs/adr/0021).</summary>
    public const string UploadCommit = Snapshot + "/commit";
    public const string Lists = Prefix + "/lists";

    /// <summary>POST, no payload but <see cref="UnchangedDeliveryDto"/>: the list's rows are those the backend holds (docs/adr/0024).</summary>
    public const string UnchangedDelivery = Snapshot + "/unchanged";

    /// <summary>The calling site's acknowledged cursor of an incremental list (<see cref="ListCursorDto"/>).</summary>
    public const string ListCursor = Prefix + "/lists/{list}/cursor";
    public const string Heartbeats = Prefix + "/heartbeats";

    /// <summary>GET ?runtime=linux-x64|win-x64: the signed <see cref="ReleaseManifestDto"/> this site should run (rollout, pin), 404 when none.</summary>
    public const string ReleaseManifest = Prefix + "/releases/manifest";

    /// <summary>GET: the binary of one release for one runtime (the manifest's size and SHA-256 say what to expect).</summary>
    public const string ReleaseBinary = Prefix + "/releases/{version}/{runtime}";

    // Anonymous.
    public const string Health = Prefix + "/health";
    public const string OpenApi = Prefix + "/openapi.json";

    // Operator API (operator token).
    public const string Admin = Prefix + "/admin";
    public const string AdminSites = Admin + "/sites";
    public const string AdminSiteTokens = AdminSites + "/{ibge}/tokens";
    public const string AdminToken = Admin + "/tokens/{tokenId}";
    public const string AdminOperatorTokens = Admin + "/operator-tokens";
    public const string AdminOperatorToken = AdminOperatorTokens + "/{tokenId}";
    public const string AdminLists = Admin + "/lists";
    public const string AdminListActivate = AdminLists + "/{name}/versions/{version:int}/activate";
    public const string AdminFleet = Admin + "/fleet";
    public const string AdminReplay = Admin + "/replay";
    public const string AdminHeldSnapshots = Admin + "/snapshots/held";
    public const string AdminSnapshotDecision = Admin + "/snapshots/{snapshotId}/{decision}";

    public static string SnapshotPath(string list, Guid snapshotId) =>
        $"{Prefix}/lists/{Uri.EscapeDataString(list)}/snapshots/{snapshotId:D}";

    public static string ListCursorPath(string list) => $"{Prefix}/lists/{Uri.EscapeDataString(list)}/cursor";

    public static string UploadSessionPath(string list, Guid snapshotId) => SnapshotPath(list, snapshotId) + "/upload-session";

    public static string UnchangedDeliveryPath(string list, Guid snapshotId) => SnapshotPath(list, snapshotId) + "/unchanged";

    public static string UploadCommitPath(string list, Guid snapshotId) => SnapshotPath(list, snapshotId) + "/commit";

    public static string ReleaseManifestPath(string runtime) => $"{ReleaseManifest}?runtime={Uri.EscapeDataString(runtime)}";

    public static string ReleaseBinaryPath(string version, string runtime) =>
        $"{Prefix}/releases/{Uri.EscapeDataString(version)}/{Uri.EscapeDataString(runtime)}";

    public static string SnapshotStatusPath(Guid snapshotId) => $"{Prefix}/snapshots/{snapshotId:D}";

    public static string AdminSitePath(string ibge) => $"{AdminSites}/{Uri.EscapeDataString(ibge)}";

    public static string AdminTokenPath(Guid tokenId) => $"{Admin}/tokens/{tokenId:D}";

    public static string AdminOperatorTokenPath(Guid tokenId) => $"{AdminOperatorTokens}/{tokenId:D}";
    /// <summary>POST here with decision "apply" or "drop" to settle a held snapshot.</summary>
    public static string AdminSnapshotDecisionPath(Guid snapshotId, string decision) => $"{Admin}/snapshots/{snapshotId:D}/{Uri.EscapeDataString(decision)}";

    public static string AdminListVersionPath(string name, int version) => $"{AdminLists}/{Uri.EscapeDataString(name)}/versions/{version}";

    /// <summary>A route relative to the endpoint's base address (the uploader's HttpClient has one).</summary>
    public static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);
}
