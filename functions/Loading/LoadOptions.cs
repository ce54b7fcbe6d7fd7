namespace Ingest.Functions.Loading;

/// <summary>Limits of one load against the central database ("Load" configuration section).</summary>
public sealed class LoadOptions
{
    public const string Section = "Load";

    /// <summary>Waiting longer than this for a table lock (e.g. maintenance) fails the load transiently: it is retried later.</summary>
    public int LockTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Loads running against the central database at once, across every instance (enforced in PostgreSQL).
    /// Keep it below the database's connection limit.
    /// </summary>
    public int MaxConcurrentLoads { get; set; } = 4;

    /// <summary>A message that finds no free slot comes back after about this long (jittered), with a fresh dequeue count.</summary>
    public double DeferSeconds { get; set; } = 15;

    /// <summary>Memory for the diff's hash join (per load; keep MaxConcurrentLoads × this within the server's memory).</summary>
    public int WorkMemMB { get; set; } = 64;

    /// <summary>Session memory for the staging table before it spills to disk (set when connections open).</summary>
    public int TempBuffersMB { get; set; } = 64;

    /// <summary>Upper bound for any one statement of a load.</summary>
    public int StatementTimeoutSeconds { get; set; } = 900;
}
