using Npgsql;

namespace PecLists.Functions.Data;

/// <summary>The central PostgreSQL data source, built once from configuration.</summary>
public static class CentralDatabase
{
    public const string ConnectionName = "Central";

    public static string GetConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set (environment variable ConnectionStrings__{ConnectionName}).");

    /// <param name="configuration">Where ConnectionStrings:Central is read.</param>
    /// <param name="tempBuffersMB">The app passes its validated Load:TempBuffersMB.</param>
    public static NpgsqlDataSource Create(IConfiguration configuration, int tempBuffersMB = 64)
    {
        var builder = new NpgsqlDataSourceBuilder(GetConnectionString(configuration));
        builder.ConnectionStringBuilder.ApplicationName ??= "ingest-functions";
        // temp_buffers can only be set before a session first touches a temporary table, so it goes in the startup options.
        builder.ConnectionStringBuilder.Options ??= $"-c temp_buffers={tempBuffersMB}MB";
        return builder.Build();
    }
}
