namespace Ingest.Functions.Loading;

/// <summary>Limits of one load against the central database ("Load" configuration section).</summary>
public sealed class LoadOptions
{
    public const string Section = "Load";

    /// <summary>Waiting longer than this for a table lock (e.g. maintenance) fails the load transiently: it is retried later.</summary>
    public int LockTimeoutSeconds { get; set; } = 60;

    /// <summary>Upper bound for any one statement of a load.</summary>
    public int StatementTimeoutSeconds { get; set; } = 900;
}
