namespace PecLists.Functions.Telemetry;

/// <summary>
/// Operational log lines (traces in App Insights, event ids 2001–2099), source-generated like the business events and
/// listed with them in docs/telemetry.md. Codes, ids and counts only.
/// </summary>
public static partial class OperationalLogs
{
    [LoggerMessage(EventId = 2001, EventName = "LoadMessageMalformed", Level = LogLevel.Error,
        Message = "LoadMessageMalformed: load message is not a load reference (dequeue count {dequeueCount}); it will end in the poison queue")]
    public static partial void LoadMessageMalformed(this ILogger logger, long dequeueCount);

    [LoggerMessage(EventId = 2002, EventName = "SnapshotLoadRetrying", Level = LogLevel.Warning,
        Message = "SnapshotLoadRetrying: snapshot {snapshotId}: retry {retry} in {delaySeconds} s")]
    public static partial void SnapshotLoadRetrying(this ILogger logger, Guid snapshotId, int retry, double delaySeconds);

    [LoggerMessage(EventId = 2003, EventName = "SnapshotLoadFailedToHost", Level = LogLevel.Warning,
        Message = "SnapshotLoadFailedToHost: snapshot {snapshotId}: load failed after its retries (dequeue count {dequeueCount}), left to the host's retries and poison queue: {errorCode} from {cause}")]
    public static partial void SnapshotLoadFailedToHost(this ILogger logger, Guid snapshotId, long dequeueCount, string errorCode, string cause);

    [LoggerMessage(EventId = 2004, EventName = "SnapshotUnknown", Level = LogLevel.Warning,
        Message = "SnapshotUnknown: snapshot {snapshotId}: no bookkeeping row, message dropped")]
    public static partial void SnapshotUnknown(this ILogger logger, Guid snapshotId);

    [LoggerMessage(EventId = 2005, EventName = "SnapshotAlreadyFinal", Level = LogLevel.Information,
        Message = "SnapshotAlreadyFinal: snapshot {snapshotId}: already {status}, nothing done")]
    public static partial void SnapshotAlreadyFinal(this ILogger logger, Guid snapshotId, string status);

    [LoggerMessage(EventId = 2006, EventName = "SnapshotBlobMissing", Level = LogLevel.Warning,
        Message = "SnapshotBlobMissing: snapshot {snapshotId} of site {site} list {list}: blob missing, rejected, never queued")]
    public static partial void SnapshotBlobMissing(this ILogger logger, Guid snapshotId, string site, string list);

    [LoggerMessage(EventId = 2007, EventName = "ReceivedSweep", Level = LogLevel.Information,
        Message = "ReceivedSweep: received sweep: {found} found, {queued} queued, {blobMissing} blob missing, {claimedElsewhere} claimed elsewhere")]
    public static partial void ReceivedSweep(this ILogger logger, int found, int queued, int blobMissing, int claimedElsewhere);

    [LoggerMessage(EventId = 2008, EventName = "SpoolFull", Level = LogLevel.Warning,
        Message = "SpoolFull: upload spool full: site {site} list {list}, {bytes} bytes refused ({reason})")]
    public static partial void SpoolFull(this ILogger logger, string site, string list, long bytes, string reason);

    [LoggerMessage(EventId = 2009, EventName = "HealthCheckDown", Level = LogLevel.Warning,
        Message = "HealthCheckDown: health check {check}: {state}")]
    public static partial void HealthCheckDown(this ILogger logger, string check, string state);

    [LoggerMessage(EventId = 2010, EventName = "DependencyUnavailable", Level = LogLevel.Warning,
        Message = "DependencyUnavailable: {dependency} unavailable ({errorType}) on {path}: answered 503")]
    public static partial void DependencyUnavailable(this ILogger logger, string dependency, string errorType, string path);

    [LoggerMessage(EventId = 2011, EventName = "FleetMetricsRead", Level = LogLevel.Information,
        Message = "FleetMetricsRead: fleet metrics: load queue {loadQueue}, poison queue {poisonQueue}, silent sites {silentSites}, held snapshots {heldSnapshots}")]
    public static partial void FleetMetricsRead(this ILogger logger, long loadQueue, long poisonQueue, long silentSites, long heldSnapshots);

    [LoggerMessage(EventId = 2012, EventName = "LoadSlotsBusy", Level = LogLevel.Debug,
        Message = "LoadSlotsBusy: snapshot {snapshotId}: every load slot busy (try {tries}), trying again in {pauseMs} ms")]
    public static partial void LoadSlotsBusy(this ILogger logger, Guid snapshotId, int tries, double pauseMs);

    // 2020 on: the block upload path (docs/adr/0021). The SAS a session carries is never a placeholder here.
    [LoggerMessage(EventId = 2020, EventName = "UploadSessionOpened", Level = LogLevel.Information,
        Message = "UploadSessionOpened: upload session for snapshot {snapshotId}: site {site} list {list}, {bytes} bytes in {blocks} blocks, {receivedBlocks} already received")]
    public static partial void UploadSessionOpened(this ILogger logger, Guid snapshotId, string site, string list, long bytes, int blocks, int receivedBlocks);

    [LoggerMessage(EventId = 2021, EventName = "UploadCommitted", Level = LogLevel.Information,
        Message = "UploadCommitted: blocks of snapshot {snapshotId} committed: site {site} list {list}, {bytes} bytes in {blocks} blocks, answer {status}")]
    public static partial void UploadCommitted(this ILogger logger, Guid snapshotId, string site, string list, long bytes, int blocks, int status);

    [LoggerMessage(EventId = 2030, EventName = "ReleaseManifestExpired", Level = LogLevel.Warning,
        Message = "ReleaseManifestExpired: site {site} was offered nothing: the manifest of {runtime} {version} ({why}) expired; sign it again")]
    public static partial void ReleaseManifestExpired(this ILogger logger, string site, string runtime, string version, string why);
}
