using Npgsql;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Sources;

/// <summary>A list's SQL run read-only against the site's PostgreSQL (PEC's), its COPY text streamed into the spool writer.</summary>
public sealed class PostgresSource(DatabaseConfig database) : ISnapshotSource
{
    private readonly ListExtractor _extractor = new(database.ConnectionString, database.StatementTimeoutSeconds, database.LockTimeoutSeconds);

    public Task<ExtractResult> ExtractAsync(ListDefinitionDto list, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct) =>
        _extractor.ExtractAsync(list.Sql, output, progress, ct);

    public SourceFailure? Classify(Exception ex) => ex switch
    {
        NotOneStatementException => new SourceFailure(ExitCodes.DefinitionSignature, FailureCategories.DefinitionSignature, Localized.Text(
            "the SQL is not one statement (a ';' or an unbalanced parenthesis outside strings and comments), so it was not run",
            "o SQL não é um único comando (um ';' ou um parêntese sem par fora de textos e comentários), por isso não foi executado")),
        NpgsqlException or TimeoutException => new SourceFailure(ExitCodes.Database, Category(ex), Describe(ex)),
        _ => null,
    };

    /// <summary>What an extraction failure means for the operator: the query's own problem (schema, timeout) or the database's.</summary>
    public static string Category(Exception ex) => ex switch
    {
        PostgresException { SqlState: "57014" } => FailureCategories.ExtractTimeout,

        // lock_not_available: a table held exclusively longer than database.lockTimeoutSeconds; the next run tries again.
        PostgresException { SqlState: "55P03" } => FailureCategories.ExtractTimeout,
        TimeoutException => FailureCategories.ExtractTimeout,

        // undefined table, column, function, schema: the PEC database lacks what the list reads.
        PostgresException { SqlState: "42P01" or "42703" or "42883" or "3F000" } => FailureCategories.SourceSchema,
        _ => FailureCategories.SourceDatabase,
    };

    /// <summary>The SQL state or the transport cause only: PostgreSQL's message text can quote a row's values.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        PostgresException pg when pg.SqlState == "57014" => Localized.Text(
            "the query hit the statement timeout; raise database.statementTimeoutSeconds or run outside busy hours",
            "a consulta excedeu o tempo limite; aumente database.statementTimeoutSeconds ou execute fora do horário de pico"),
        PostgresException pg when pg.SqlState == "55P03" => Localized.Text(
            "another program holds a table the list reads (a schema change, maintenance, a PEC update) longer than database.lockTimeoutSeconds; nothing was extracted and the next run tries again",
            "outro programa está com uma tabela que a lista lê (uma mudança de estrutura, manutenção, uma atualização do PEC) por mais tempo que database.lockTimeoutSeconds; nada foi extraído e a próxima execução tenta de novo"),
        PostgresException pg when pg.SqlState.StartsWith("28", StringComparison.Ordinal) => Localized.Text(
            "the database refused the login; check the user and password in the config",
            "o banco de dados recusou o login; confira o usuário e a senha na configuração"),
        PostgresException pg => Localized.Text($"database error {pg.SqlState}", $"erro do banco de dados {pg.SqlState}"),
        _ => Localized.Text(
            $"database unreachable ({TransportCause(ex)}); check that the PEC database is running and the connection settings",
            $"banco de dados inacessível ({TransportCause(ex)}); confira se o banco do PEC está em execução e os dados de conexão"),
    };

    /// <summary>
    /// The innermost cause of a connection failure ("Connection refused", "Timeout during reading attempt"), so the
    /// log says which of refused, timed out or reset it was. Transport messages carry addresses, never row data.
    /// </summary>
    private static string TransportCause(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return $"{inner.GetType().Name}: {inner.Message}";
    }
}
