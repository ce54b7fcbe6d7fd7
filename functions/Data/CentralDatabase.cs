using Npgsql;

namespace PecLists.Functions.Data;

/// <summary>The central PostgreSQL data source, built once from configuration.</summary>
public static class CentralDatabase
{
    public const string ConnectionName = "Central";

    /// <summary>
    /// A load never waits between statements of its transaction (the blob streams inside COPY), so a session idle in a
    /// transaction this long belongs to a client that is gone.
    /// </summary>
    public const int IdleInTransactionSeconds = 120;

    /// <summary>
    /// How often a session busy in a statement (or waiting for a lock) checks that its client is still there
    /// (client_connection_check_interval, PostgreSQL 14+). A killed instance's session would otherwise keep running,
    /// holding its load slot and pair lock, until the statement or the lock wait ends on its own.
    /// </summary>
    public const int ClientCheckSeconds = 5;

    public static string GetConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set (environment variable ConnectionStrings__{ConnectionName}).");

    /// <param name="configuration">Where ConnectionStrings:Central is read.</param>
    /// <param name="tempBuffersMB">The app passes its validated Load:TempBuffersMB.</param>
    /// <param name="maxPoolSize">The app passes its validated Database:MaxPoolSize; a Max Pool Size in the connection string wins.</param>
    public static NpgsqlDataSource Create(IConfiguration configuration, int tempBuffersMB = 64, int maxPoolSize = 20)
    {
        var connectionString = GetConnectionString(configuration);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.ApplicationName ??= "ingest-functions";

        // Npgsql's own default (100) is what an unset Max Pool Size reads back as, so only an explicit one is kept.
        if (!connectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxPoolSize = maxPoolSize;
        }


        // A load holds session advisory locks (its slot, its pair). If this instance vanishes without closing the
        // connection (killed, network cut), the server must notice and end the session so the locks are freed:
        // server-side TCP keepalives (idle 30 s, then every 10 s, 3 misses) do that within about a minute, and a
        // session idle inside a transaction is ended after IdleInTransactionSeconds. Client-side keepalives let this
        // side notice a dead server the same way. temp_buffers can only be set before a session first touches a
        // temporary table, so it goes in the startup options too. A session busy in a statement reads nothing from its
        // client, so neither of those ends it: client_connection_check_interval makes it look, and a killed client's
        // closed socket then ends the statement and frees its locks within ClientCheckSeconds (fault campaign, issue 12). Options given in the connection string come after
        // ours, so they win (a later -c overrides an earlier one).
        settings.TcpKeepAlive = true;
        var ours =
            $"-c temp_buffers={tempBuffersMB}MB -c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3 " +
            $"-c idle_in_transaction_session_timeout={IdleInTransactionSeconds * 1000} -c client_connection_check_interval={ClientCheckSeconds * 1000}";
        settings.Options = string.IsNullOrWhiteSpace(settings.Options) ? ours : $"{ours} {settings.Options}";
        return builder.Build();
    }
}
