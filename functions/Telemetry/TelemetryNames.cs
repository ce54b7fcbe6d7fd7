namespace PecLists.Functions.Telemetry;

/// <summary>
/// Every name the telemetry carries, in one place: a contract with the workbook and the alert rules in bicep/ (pinned by
/// tests/Functions.Tests/Telemetry/TelemetryContractTests.cs) and listed in docs/telemetry.md. Never rename, only add.
/// </summary>
public static class TelemetryNames
{
    /// <summary>The OpenTelemetry service name (App Insights cloud_RoleName) and the Meter's and ActivitySource's name.</summary>
    public const string Service = "pec-lists-functions";

    public const string Meter = "PecLists.Functions";

    /// <summary>The attribute Azure Monitor's exporter turns into a customEvents row named by its value.</summary>
    public const string CustomEventAttribute = "microsoft.custom_event.name";

    /// <summary>The logging scope key carrying the host's invocation id (X-Azure-Functions-InvocationId).</summary>
    public const string InvocationId = "invocationId";

    public const string SnapshotReceived = "SnapshotReceived";
    public const string SnapshotRejected = "SnapshotRejected";
    public const string SnapshotLoaded = "SnapshotLoaded";
    public const string SnapshotSkipped = "SnapshotSkipped";
    public const string SnapshotFailed = "SnapshotFailed";
    public const string SnapshotHeld = "SnapshotHeld";
    public const string SnapshotDeferred = "SnapshotDeferred";
    public const string HeartbeatReceived = "HeartbeatReceived";
    public const string SnapshotsReplayed = "SnapshotsReplayed";
    public const string TokenRefused = "TokenRefused";

    /// <summary>A heartbeat's self-update report (docs/adr/0026-uploader-releases-and-rollout.md): the workbook's update panel and the rollout failure alert read it.</summary>
    public const string UpdateReported = "UpdateReported";

    /// <summary>The business events: customEvents in App Insights, never sampled away.</summary>
    public static IReadOnlyList<string> Events { get; } =
    [
        SnapshotReceived, SnapshotRejected, SnapshotLoaded, SnapshotSkipped, SnapshotFailed, SnapshotHeld, SnapshotDeferred,
        HeartbeatReceived, SnapshotsReplayed, TokenRefused, UpdateReported,
    ];

    /// <summary>
    /// The dimensions events may carry (customDimensions keys): codes, ids, counts and versions, never personal data.
    /// The site is the municipality's public IBGE code.
    /// </summary>
    public static IReadOnlyList<string> Dimensions { get; } =
    [
        "site", "list", "listVersion", "snapshotId", "uploaderVersion", "errorCode", "category", "stage", "bytes", "path",
        "rowsInserted", "rowsUpdated", "rowsDeleted", "rowsUnchanged", "rowsBefore", "queueWaitSeconds", "loadSeconds",
        "retry", "delaySeconds", "kind", "outcome", "os", "clockSkewSeconds", "spoolDepth", "source", "dryRun", "matched",
        "replayed", "unreportedRuns", "unreportedCategory", "cause", "delivery", "updateState", "updateVersion", "fromVersion", "updateReason",
        InvocationId,
    ];

    public const string QueueWait = "pec.load.queue_wait";
    public const string LoadDuration = "pec.load.duration";
    public const string Rows = "pec.load.rows";
    public const string IngestBytes = "pec.ingest.bytes";
    public const string ConcurrentLoads = "pec.load.concurrent";
    public const string PoisonQueueLength = "pec.queue.poison_length";
    public const string LoadQueueLength = "pec.queue.load_length";
    public const string SilentSites = "pec.fleet.silent_sites";
    public const string HeldSnapshots = "pec.snapshots.held";

    public static IReadOnlyList<string> Metrics { get; } =
        [QueueWait, LoadDuration, Rows, IngestBytes, ConcurrentLoads, PoisonQueueLength, LoadQueueLength, SilentSites, HeldSnapshots];

    /// <summary>The metric tags: "list", "phase" (copy, diff, write, total) and "change" (inserted, updated, deleted, unchanged).</summary>
    public static IReadOnlyList<string> MetricTags { get; } = ["list", "phase", "change", "delivery"];
}
