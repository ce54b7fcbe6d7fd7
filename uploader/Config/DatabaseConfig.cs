namespace PecLists.Uploader.Config;

public sealed class DatabaseConfig
{
    public string ConnectionString { get; set; } = string.Empty;

    public int StatementTimeoutSeconds { get; set; } = 1800;
}
