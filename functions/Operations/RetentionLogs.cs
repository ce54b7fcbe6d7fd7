namespace PecLists.Functions.Operations;

/// <summary>The retention run's log line (docs/telemetry.md), next to its code.</summary>
public static partial class RetentionLogs
{
    [LoggerMessage(EventId = 2050, EventName = "RetentionSweep", Level = LogLevel.Information,
        Message = "RetentionSweep: deleted {heartbeats} heartbeats, {snapshots} snapshot records, {audit} audit rows, {heldCopies} unneeded held-snapshot blob copies; more left: {more}")]
    public static partial void RetentionSweep(this ILogger logger, long heartbeats, long snapshots, long audit, long heldCopies, bool more);
}
