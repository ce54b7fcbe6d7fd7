using Npgsql;

namespace PecLists.Uploader.Tests;

/// <summary>
/// A role that may read the PEC tables and write a scratch table, and that table: what a list's SQL would reach if it
/// could leave the read-only transaction when the configured role is not the read-only one.
/// </summary>
public sealed record WritableScratch(string Role, string Password, string Table)
{
    public static async Task<WritableScratch> CreateAsync(string superuserConnectionString)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var scratch = new WritableScratch($"escritor_{suffix}", "escreve", $"rascunho_{suffix}");
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"CREATE TABLE {scratch.Table} (n int); CREATE ROLE {scratch.Role} LOGIN PASSWORD '{scratch.Password}'; " +
            $"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {scratch.Role}; GRANT INSERT, SELECT, DELETE ON {scratch.Table} TO {scratch.Role}",
            connection);
        await command.ExecuteNonQueryAsync();
        return scratch;
    }

    /// <summary>The injection of issue 23: it closes the COPY wrapper, commits, writes, and opens a COPY again.</summary>
    public string Injection => $"SELECT 1 AS a) TO STDOUT; COMMIT; INSERT INTO {Table} VALUES (1); COPY (SELECT 1 AS a";

    public string ConnectionString(string superuserConnectionString) =>
        new NpgsqlConnectionStringBuilder(superuserConnectionString) { Username = Role, Password = Password }.ConnectionString;

    /// <summary>The role really may write: a plain connection inserts, and the row is taken out again.</summary>
    public async Task AssertItMayWriteAsync(string superuserConnectionString)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(superuserConnectionString));
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand($"INSERT INTO {Table} VALUES (0)", connection);
        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        await using var delete = new NpgsqlCommand($"DELETE FROM {Table}", connection);
        await delete.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A session of the extractor's data source as this role starts read-only, with the statement timeout (42 s) and
    /// standard_conforming_strings on, and cannot write even outside any transaction (as after a COMMIT the SQL slipped in).
    /// </summary>
    public async Task AssertExtractorSessionCannotWriteAsync(string superuserConnectionString)
    {
        await AssertItMayWriteAsync(superuserConnectionString);
        await using var dataSource = PecLists.Uploader.Extraction.ListExtractor.CreateDataSource(ConnectionString(superuserConnectionString), 42);
        await using var connection = await dataSource.OpenConnectionAsync();

        await using var show = new NpgsqlCommand("SELECT current_setting('default_transaction_read_only') || ' ' || current_setting('statement_timeout') || ' ' || current_setting('standard_conforming_strings')", connection);
        Assert.Equal("on 42s on", (string)(await show.ExecuteScalarAsync())!);
        await using var insert = new NpgsqlCommand($"INSERT INTO {Table} VALUES (1)", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
        Assert.Equal(0, await RowsAsync(superuserConnectionString));
    }

    public async Task<long> RowsAsync(string superuserConnectionString)
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Table}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
