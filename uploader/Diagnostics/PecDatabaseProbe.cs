using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// The SQL doctor and install run against the PEC database, over one open connection: who it is connected as, when PEC
/// last refreshed its reporting tables, and an EXPLAIN of a list's query in a read-only transaction (it reads nothing).
/// </summary>
public sealed class PecDatabaseProbe : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _connection;
    private readonly string _username;

    private PecDatabaseProbe(NpgsqlDataSource dataSource, NpgsqlConnection connection, string username)
    {
        _dataSource = dataSource;
        _connection = connection;
        _username = username;
    }

    /// <summary>"user@host:port/database" of the open connection.</summary>
    public string Where => $"{_username}@{_connection.Host}:{_connection.Port}/{_connection.Database}";

    /// <summary>Whether <paramref name="ex"/> says the database could not be reached or refused the connection.</summary>
    public static bool IsConnectionFailure(Exception ex) => ex is NpgsqlException or TimeoutException or SocketException;

    /// <summary>Opens a connection (connect timeout <paramref name="timeoutSeconds"/> when given); throws what Npgsql throws.</summary>
    public static async Task<PecDatabaseProbe> OpenAsync(string connectionString, CancellationToken ct, int? timeoutSeconds = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (timeoutSeconds is { } timeout)
        {
            builder.Timeout = timeout;
        }

        var dataSource = ListExtractor.CreateDataSource(builder.ConnectionString);
        try
        {
            return new PecDatabaseProbe(dataSource, await dataSource.OpenConnectionAsync(ct), builder.Username ?? string.Empty);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>The role connected, whether it is a superuser, and the server's version.</summary>
    public async Task<(string User, bool Superuser, string Version)> IdentifyAsync(CancellationToken ct)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT current_user::text, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user), current_setting('server_version')";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetBoolean(1), reader.GetString(2));
    }

    /// <summary>When PEC last refreshed its reporting tables (null: never, or unreadable text); throws <see cref="PostgresException"/> when the table cannot be read.</summary>
    public async Task<DateTime?> LastReportRefreshAsync(CancellationToken ct)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT max(dt_processamento)::text FROM tb_relatorio_processamento";
        return await command.ExecuteScalarAsync(ct) is string last && DateTime.TryParse(last, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
    }

    /// <summary>EXPLAIN of <paramref name="sql"/> in a read-only transaction, rolled back: null when it plans, else the server's error.</summary>
    public async Task<PostgresException?> ExplainAsync(string sql, CancellationToken ct)
    {
        if (!PecLists.Contracts.SqlStatement.IsOne(sql))
        {
            // Doctor's signature check leaves such a definition out (definition-not-one-statement); never run one.
            throw new Extraction.NotOneStatementException();
        }

        await using var transaction = await _connection.BeginTransactionAsync(ct);
        await using var command = _connection.CreateCommand();
        command.CommandText = $"SET TRANSACTION READ ONLY; EXPLAIN\n{sql}";
        PostgresException? error = null;
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex)
        {
            error = ex;
        }

        await transaction.RollbackAsync(ct);
        return error;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
