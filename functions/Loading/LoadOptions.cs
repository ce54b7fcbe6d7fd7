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

    /// <summary>Upper bound for any one statement of a load.</summary>
    public int StatementTimeoutSeconds { get; set; } = 900;
}
