using Npgsql;

namespace Ingest.Functions.Data;

/// <summary>The central PostgreSQL data source, built once from configuration.</summary>
public static class CentralDatabase
{
    public const string ConnectionName = "Central";

    public static string GetConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set (environment variable ConnectionStrings__{ConnectionName}).");

    public static NpgsqlDataSource Create(IConfiguration configuration)
    {
        var builder = new NpgsqlDataSourceBuilder(GetConnectionString(configuration));
        builder.ConnectionStringBuilder.ApplicationName ??= "ingest-functions";
        return builder.Build();
    }
}
