namespace PecLists.Functions.Telemetry;

/// <summary>
/// The business events, source-generated. Event ids 1001–1099 are business events: <see cref="CustomEventProcessor"/>
/// marks them so Azure Monitor stores them as customEvents named by their EventName. Placeholders are dimensions
/// (<see cref="TelemetryNames.Dimensions"/>): codes, ids and counts only, never a row value.
/// </summary>
public static partial class BusinessEvents
{
    public const int FirstId = 1001;
    public const int LastId = 1099;

    [LoggerMessage(EventId = 1001, EventName = TelemetryNames.SnapshotReceived, Level = LogLevel.Information,
        Message = "SnapshotReceived: snapshot {snapshotId} received: site {site} list {list} v{listVersion}, {bytes} bytes, uploader {uploaderVersion}")]
    public static partial void SnapshotReceived(this ILogger logger, Guid snapshotId, string site, string list, int listVersion, long bytes, string uploaderVersion);

    [LoggerMessage(EventId = 1002, EventName = TelemetryNames.SnapshotRejected, Level = LogLevel.Warning,
        Message = "SnapshotRejected: snapshot {snapshotId} rejected at {stage}: site {site} list {list} {errorCode} ({category})")]
    public static partial void SnapshotRejected(this ILogger logger, string snapshotId, string stage, string site, string list, string errorCode, string category);

    [LoggerMessage(EventId = 1003, EventName = TelemetryNames.SnapshotLoaded, Level = LogLevel.Information,
        Message = "SnapshotLoaded: snapshot {snapshotId} loaded ({path}, {delivery}): site {site} list {list} v{listVersion}, +{rowsInserted} ~{rowsUpdated} -{rowsDeleted} ={rowsUnchanged}, waited {queueWaitSeconds} s, load {loadSeconds} s")]
    public static partial void SnapshotLoaded(this ILogger logger, Guid snapshotId, string? path, string delivery, string site, string list, int? listVersion,
        long rowsInserted, long rowsUpdated, long rowsDeleted, long rowsUnchanged, double queueWaitSeconds, double loadSeconds);

    [LoggerMessage(EventId = 1004, EventName = TelemetryNames.SnapshotSkipped, Level = LogLevel.Information,
        Message = "SnapshotSkipped: snapshot {snapshotId} skipped: site {site} list {list} {errorCode}")]
    public static partial void SnapshotSkipped(this ILogger logger, Guid snapshotId, string site, string list, string errorCode);

    [LoggerMessage(EventId = 1005, EventName = TelemetryNames.SnapshotFailed, Level = LogLevel.Warning,
        Message = "SnapshotFailed: snapshot {snapshotId} load failed (retry {retry}): site {site} list {list} {errorCode} from {cause} ({category})")]
    public static partial void SnapshotFailed(this ILogger logger, Guid snapshotId, int retry, string site, string list, string errorCode, string cause, string category);

    [LoggerMessage(EventId = 1006, EventName = TelemetryNames.SnapshotHeld, Level = LogLevel.Warning,
        Message = "SnapshotHeld: snapshot {snapshotId} held: site {site} list {list} {errorCode}, would delete {rowsDeleted} of {rowsBefore} rows")]
    public static partial void SnapshotHeld(this ILogger logger, Guid snapshotId, string site, string list, string errorCode, long rowsDeleted, long rowsBefore);

    [LoggerMessage(EventId = 1007, EventName = TelemetryNames.SnapshotDeferred, Level = LogLevel.Information,
        Message = "SnapshotDeferred: snapshot {snapshotId} deferred {delaySeconds} s (no load slot, pair busy, or an earlier delivery of the pair to load first): site {site} list {list}")]
    public static partial void SnapshotDeferred(this ILogger logger, Guid snapshotId, double delaySeconds, string site, string list);

    [LoggerMessage(EventId = 1008, EventName = TelemetryNames.HeartbeatReceived, Level = LogLevel.Information,
        Message = "HeartbeatReceived: heartbeat ({kind}) from site {site}: {outcome} {category}, uploader {uploaderVersion} on {os}, clock skew {clockSkewSeconds} s, spool {spoolDepth}, {unreportedRuns} unreported run(s) before it ({unreportedCategory})")]
    public static partial void HeartbeatReceived(this ILogger logger, string kind, string site, string outcome, string category, string uploaderVersion, string os, double clockSkewSeconds, int spoolDepth, int unreportedRuns, string unreportedCategory);

    [LoggerMessage(EventId = 1009, EventName = TelemetryNames.SnapshotsReplayed, Level = LogLevel.Information,
        Message = "SnapshotsReplayed: replay from {source} (dry run {dryRun}): {matched} matched, {replayed} replayed")]
    public static partial void SnapshotsReplayed(this ILogger logger, string source, bool dryRun, int matched, int replayed);

    [LoggerMessage(EventId = 1010, EventName = TelemetryNames.TokenRefused, Level = LogLevel.Warning,
        Message = "TokenRefused: a revoked token of site {site} was refused ({category}): the site needs a new token")]
    public static partial void TokenRefused(this ILogger logger, string site, string category);

    [LoggerMessage(EventId = 1011, EventName = TelemetryNames.UnchangedRefused, Level = LogLevel.Information,
        Message = "UnchangedRefused: unchanged delivery {snapshotId} refused ({reason}): site {site} list {list}; a full delivery follows")]
    public static partial void UnchangedRefused(this ILogger logger, Guid snapshotId, string site, string list, string reason);

    [LoggerMessage(EventId = 1012, EventName = TelemetryNames.UpdateReported, Level = LogLevel.Information,
        Message = "UpdateReported: site {site} self-update {updateState} to {updateVersion} from {fromVersion} ({updateReason}) on {os}")]
    public static partial void UpdateReported(this ILogger logger, string site, string updateState, string updateVersion, string fromVersion, string updateReason, string os);
}
