using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Loading;

/// <summary>
/// Limits of one load against the central database ("Load" configuration section). Each rule's message names the
/// setting as it is configured; 0 would mean "never" or "no limit" for most of these, so none may be 0.
/// </summary>
public sealed class LoadOptions
{
    public const string Section = "Load";

    /// <summary>Waiting longer than this for a table lock (e.g. maintenance) fails the load transiently: it is retried later.</summary>
    [Range(1, 3600, ErrorMessage = "Load:LockTimeoutSeconds must be between {1} and {2}.")]
    public int LockTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Loads running against the central database at once, across every instance (enforced in PostgreSQL).
    /// Keep it below the database's connection limit.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Load:MaxConcurrentLoads must be between {1} and {2}.")]
    public int MaxConcurrentLoads { get; set; } = 4;

    /// <summary>
    /// A load that finds every slot busy keeps trying for a free one for up to this long inside its invocation (short
    /// jittered pauses, <see cref="SlotWait"/>), so a slot freed meanwhile is taken within about a second instead of
    /// staying empty until a deferred copy comes back (ADR 0028). 0 defers at the first busy answer. It comes before the
    /// load's own <see cref="MaxLoadSeconds"/>: both together must end before host.json's functionTimeout (checked at start-up).
    /// </summary>
    [Range(0.0, 3600.0, ErrorMessage = "Load:SlotWaitSeconds must be between {1} and {2}.")]
    public double SlotWaitSeconds { get; set; } = 25;

    /// <summary>
    /// A message that still finds no free slot after <see cref="SlotWaitSeconds"/> comes back after about this long
    /// (jittered), with a fresh dequeue count.
    /// </summary>
    [Range(0.1, 3600.0, ErrorMessage = "Load:DeferSeconds must be between {1} and {2}.")]
    public double DeferSeconds { get; set; } = 15;

    /// <summary>
    /// A changes or key-set delivery taken from the queue while an earlier delivery of its pair it must follow has not
    /// loaded yet is deferred (<see cref="DeliveryOrder"/>) for at most this long after it was received; then it loads,
    /// and the earlier one is skipped as older if it comes later still. 0: never wait (the order the queue gives).
    /// Longer than the transient retries of a typical outage is not needed: past it nothing is lost, only one run's lag.
    /// </summary>
    [Range(0, 86400, ErrorMessage = "Load:DeliveryOrderWaitSeconds must be between {1} and {2}.")]
    public int DeliveryOrderWaitSeconds { get; set; } = 900;

    /// <summary>Memory for the diff's hash join (per load; keep MaxConcurrentLoads × this within the server's memory).</summary>
    [Range(1, 65536, ErrorMessage = "Load:WorkMemMB must be between {1} and {2}.")]
    public int WorkMemMB { get; set; } = 64;

    /// <summary>Session memory for the staging table before it spills to disk (set when connections open).</summary>
    [Range(1, 65536, ErrorMessage = "Load:TempBuffersMB must be between {1} and {2}.")]
    public int TempBuffersMB { get; set; } = 64;

    /// <summary>
    /// A snapshot that would delete more than this share of the site's rows is held for an operator instead of applied
    /// (an empty snapshot while the site has rows is always held).
    /// </summary>
    [Range(0.0, 1.0, ErrorMessage = "Load:HoldWhenDeletingShare must be between {1} and {2}.")]
    public double HoldWhenDeletingShare { get; set; } = 0.5;

    /// <summary>The share rule applies only when the site has at least this many rows (small lists churn by whole percents).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Load:HoldMinimumRows must be between {1} and {2}.")]
    public int HoldMinimumRows { get; set; } = 20;

    /// <summary>
    /// The share rule also compares the snapshot with the most rows the site's list had in any snapshot loaded in this
    /// many days before it (by extraction time), so a list shrinking by 30 % a day is held on its way down, not only a
    /// single large drop. An operator's apply of a held snapshot restarts the window there.
    /// </summary>
    [Range(1, 400, ErrorMessage = "Load:HoldWindowDays must be between {1} and {2}.")]
    public int HoldWindowDays { get; set; } = 7;

    /// <summary>
    /// Transient failures are retried this many times with growing delays (see <see cref="TransientBackoff"/>) before
    /// the invocation fails and the host's retries and the poison queue take over; 0 leaves it to the host alone.
    /// The defaults ride out about 2.5 hours of database or storage outage.
    /// </summary>
    [Range(0, 100, ErrorMessage = "Load:TransientRetries must be between {1} and {2}.")]
    public int TransientRetries { get; set; } = 10;

    [Range(1.0, 86400.0, ErrorMessage = "Load:TransientRetryFirstDelaySeconds must be between {1} and {2}.")]
    public double TransientRetryFirstDelaySeconds { get; set; } = 30;

    /// <summary>At most 7 days: a queue message cannot stay invisible longer.</summary>
    [Range(1.0, 604800.0, ErrorMessage = "Load:TransientRetryMaxDelaySeconds must be between {1} and {2}.")]
    public double TransientRetryMaxDelaySeconds { get; set; } = 1800;

    /// <summary>Upper bound for any one statement of a load (at most <see cref="MaxLoadSeconds"/>).</summary>
    [Range(1, 86400, ErrorMessage = "Load:StatementTimeoutSeconds must be between {1} and {2}.")]
    public int StatementTimeoutSeconds { get; set; } = 480;

    /// <summary>
    /// A whole load gives up after this long, records "failed" and is retried; with <see cref="SlotWaitSeconds"/> before
    /// it, it must end before host.json's functionTimeout (10 minutes here), checked at start-up.
    /// </summary>
    [Range(1, 86400, ErrorMessage = "Load:MaxLoadSeconds must be between {1} and {2}.")]
    public int MaxLoadSeconds { get; set; } = 540;
}
