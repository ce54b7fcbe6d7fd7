using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Operations;

/// <summary>
/// How long bookkeeping rows are kept ("Retention" configuration section), applied by the daily "retention" timer
/// function (retention/function.json) in bounded batches. The protected rows are never deleted whatever their age:
/// each site's latest heartbeat, each (site, list)'s loaded snapshot, and every snapshot not final (held, queued…).
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Heartbeats older than this go (the fleet view reads the latest; a quarter is enough to look back on a site's runs).</summary>
    [Range(7, 36500, ErrorMessage = "Retention:HeartbeatDays must be between {1} and {2}.")]
    public int HeartbeatDays { get; set; } = 90;

    /// <summary>
    /// Final snapshot records (loaded, skipped, rejected) older than this go: a year and a month of history per list
    /// (a year-on-year comparison), far past the blobs' 35 days.
    /// </summary>
    [Range(30, 36500, ErrorMessage = "Retention:SnapshotDays must be between {1} and {2}.")]
    public int SnapshotDays { get; set; } = 400;

    /// <summary>
    /// Operator audit rows older than this go: five years by default, since "who issued this token or published this
    /// list" is asked years later, but the table must not grow forever (issue 23 item 12). A few rows per operator action,
    /// no personal data. 0 keeps every row, for an operator who must (a legal hold): a choice made in the settings.
    /// </summary>
    [Range(0, 36500, ErrorMessage = "Retention:AuditDays must be between {1} and {2} (0 keeps every row).")]
    public int AuditDays { get; set; } = 1826;

    /// <summary>Rows deleted per statement: each batch is its own short transaction, so no lock is held for long.</summary>
    [Range(1, 100_000, ErrorMessage = "Retention:BatchSize must be between {1} and {2}.")]
    public int BatchSize { get; set; } = 1000;

    /// <summary>Batches per table per run; what is left waits for the next run.</summary>
    [Range(1, 100_000, ErrorMessage = "Retention:MaxBatchesPerRun must be between {1} and {2}.")]
    public int MaxBatchesPerRun { get; set; } = 100;
}
