using System.IO.Compression;
using Npgsql;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>
/// Reads that never wait long behind the application's locks (issue 22 item 6): the PEC source's session carries a lock
/// timeout, so a table another program holds exclusively (a schema change, a PEC update) makes the extraction give up
/// cleanly as extract-timeout, and the next run, once the table is free, extracts it.
/// </summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class PostgresSourceTests(PecDatabaseFixture db)
{
    [Fact]
    public async Task A_table_held_exclusively_makes_the_extraction_give_up_at_the_lock_timeout_and_the_next_run_extracts_it()
    {
        var (sql, columns, key) = PecDatabaseFixture.ListDefinition("hipertensos");
        var list = new ListDefinitionDto("hipertensos", 1, sql, [.. columns.Select(c => new ListColumnDto(c, "text"))], key);
        // A statement timeout far beyond the lock timeout: if the lock timeout did not apply, the error would be 57014.
        var source = new PostgresSource(new DatabaseConfig { ConnectionString = db.ReadOnlyConnectionString, StatementTimeoutSeconds = 120, LockTimeoutSeconds = 1 });

        await using (var application = new NpgsqlConnection(db.SuperuserConnectionString))
        {
            await application.OpenAsync();
            await using var transaction = await application.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE tb_fat_cidadao_pec IN ACCESS EXCLUSIVE MODE", application, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            await using var blocked = SpoolCsvWriter.Open(Stream.Null, CompressionLevel.Fastest);
            var failed = await Assert.ThrowsAsync<PostgresException>(() => source.ExtractAsync(list, blocked, null, CancellationToken.None));

            Assert.Equal("55P03", failed.SqlState);
            var failure = source.Classify(failed)!;
            Assert.Equal((ExitCodes.Database, FailureCategories.ExtractTimeout), (failure.ExitCode, failure.Category));
            Assert.Contains("database.lockTimeoutSeconds", failure.Reason, StringComparison.Ordinal);
            await transaction.RollbackAsync();
        }

        await using var output = SpoolCsvWriter.Open(Stream.Null, CompressionLevel.Fastest);
        var extracted = await source.ExtractAsync(list, output, null, CancellationToken.None);

        Assert.True(extracted.Rows > 0, "the list extracts once the table is free");
    }
}
