using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Data;

/// <summary>
/// The central PostgreSQL data source, built once from configuration. In Azure it signs in with an Entra token for the
/// app's identity (Database:Authentication=entra): Npgsql's periodic password provider asks Azure.Identity for a token,
/// which Azure.Identity caches and renews before it expires (https://www.npgsql.org/doc/security.html,
/// https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-configure-sign-in-azure-ad-authentication).
/// </summary>
public static class CentralDatabase
{
    public const string ConnectionName = "Central";

    /// <summary>The token audience of Azure Database for PostgreSQL.</summary>
    public const string EntraScope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>
    /// How often the token is asked for again: Azure.Identity answers from its cache until the token nears expiry, so
    /// this only bounds how long an expired token could be handed to a new connection.
    /// </summary>
    public static readonly TimeSpan TokenRefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>After a failed token request (identity endpoint down), try again this soon.</summary>
    public static readonly TimeSpan TokenRetryInterval = TimeSpan.FromSeconds(10);

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

    /// <summary>The "Database" settings, checked at start-up (source-generated validator), and the data source built from them.</summary>
    public static IServiceCollection AddCentralDatabase(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, int> tempBuffersMB)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .PostConfigure(options =>
            {
                options.ConnectionStringHasPassword = HasPassword(configuration);
                options.ConnectionStringMaxAutoPrepare = MaxAutoPrepare(configuration);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton(sp => Create(configuration, tempBuffersMB(sp), sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        return services;
    }

    /// <summary>The identity to sign in with: the user-assigned one named by Database:ClientId, else DefaultAzureCredential.</summary>
    public static TokenCredential EntraCredential(DatabaseOptions options) =>
        string.IsNullOrEmpty(options.ClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));

    /// <param name="configuration">Where ConnectionStrings:Central is read.</param>
    /// <param name="tempBuffersMB">The app passes its validated Load:TempBuffersMB.</param>
    /// <param name="database">The validated Database settings (pool size, authentication); a Max Pool Size in the connection string wins.</param>
    /// <param name="credential">With entra: the identity to ask for tokens (tests pass their own); default <see cref="EntraCredential"/>.</param>
    public static NpgsqlDataSource Create(IConfiguration configuration, int tempBuffersMB = 64, DatabaseOptions? database = null, TokenCredential? credential = null)
    {
        database ??= new DatabaseOptions();
        var maxPoolSize = database.MaxPoolSize;
        var connectionString = GetConnectionString(configuration);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (database.UsesEntra)
        {
            var identity = credential ?? EntraCredential(database);
            builder.UsePeriodicPasswordProvider(
                async (_, ct) => (await identity.GetTokenAsync(new TokenRequestContext([EntraScope]), ct)).Token,
                TokenRefreshInterval,
                TokenRetryInterval);
        }

        var settings = builder.ConnectionStringBuilder;
        settings.ApplicationName ??= "ingest-functions";

        // Npgsql's own default (100) is what an unset Max Pool Size reads back as, so only an explicit one is kept.
        if (!connectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxPoolSize = maxPoolSize;
        }

        settings.TcpKeepAlive = true;
        if (database.TransactionPooling)
        {
            // Through PgBouncer in transaction mode: a startup option would be refused ("unsupported startup parameter",
            // https://www.pgbouncer.org/config.html#ignore_startup_parameters) or, at best, set on whichever server
            // connection the pooler picked; and resetting a returned connection is the pooler's business, not Npgsql's
            // (https://www.npgsql.org/doc/compatibility.html#pgbouncer). What a load relies on it sets itself, per
            // transaction (SnapshotLoader: SET LOCAL); the server parameters (bicep) are the floor.
            settings.NoResetOnClose = true;
            return builder.Build();
        }

        // A load holds transaction-level advisory locks (its slot, its pair: ADR 0020). If this instance vanishes without
        // closing the connection (killed, network cut), the server must notice and end the session so the locks are freed:
        // server-side TCP keepalives (idle 30 s, then every 10 s, 3 misses) do that within about a minute, and a
        // session idle inside a transaction is ended after IdleInTransactionSeconds. Client-side keepalives let this
        // side notice a dead server the same way. temp_buffers can only be set before a session first touches a
        // temporary table, so it goes in the startup options too. A session busy in a statement reads nothing from its
        // client, so neither of those ends it: client_connection_check_interval makes it look, and a killed client's
        // closed socket then ends the statement and frees its locks within ClientCheckSeconds (fault campaign, issue 12). Options given in the connection string come after
        // ours, so they win (a later -c overrides an earlier one).
        var ours =
            $"-c temp_buffers={tempBuffersMB}MB -c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3 " +
            $"-c idle_in_transaction_session_timeout={IdleInTransactionSeconds * 1000} -c client_connection_check_interval={ClientCheckSeconds * 1000}";
        settings.Options = string.IsNullOrWhiteSpace(settings.Options) ? ours : $"{ours} {settings.Options}";
        return builder.Build();
    }

    private static int MaxAutoPrepare(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionName);
        try
        {
            return string.IsNullOrEmpty(connectionString) ? 0 : new NpgsqlConnectionStringBuilder(connectionString).MaxAutoPrepare;
        }
        catch (ArgumentException)
        {
            return 0; // a malformed string is reported when it is used, naming it
        }
    }

    private static bool HasPassword(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionName);
        try
        {
            return !string.IsNullOrEmpty(connectionString) && !string.IsNullOrEmpty(new NpgsqlConnectionStringBuilder(connectionString).Password);
        }
        catch (ArgumentException)
        {
            return false; // a malformed string is reported when it is used, naming it
        }
    }
}
