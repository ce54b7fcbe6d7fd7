namespace PecLists.Uploader.Config;

public sealed class DatabaseConfig
{
    public string ConnectionString { get; set; } = string.Empty;

    public int StatementTimeoutSeconds { get; set; } = 1800;

    /// <summary>
    /// How long an extraction waits for a table another program holds exclusively (a schema change, VACUUM FULL, a PEC
    /// update) before it gives up and the next run tries again: a read never waits long in a lock queue on PEC's server.
    /// </summary>
    public int LockTimeoutSeconds { get; set; } = 10;
}
