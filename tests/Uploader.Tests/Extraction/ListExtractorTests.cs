using System.IO.Compression;
using PecLists.Uploader.Extraction;
using Npgsql;
using LocalInfra;

namespace PecLists.Uploader.Tests;

[Collection(PecDatabaseCollection.Name)]
public sealed class ListExtractorTests(PecDatabaseFixture db)
{
    private static async Task<(string Csv, ExtractResult Result, List<ExtractProgress> Progress)> ExtractAsync(string connectionString, string sql, int statementTimeoutSeconds = 60)
    {
        using var destination = new MemoryStream();
        var progress = new List<ExtractProgress>();
        var result = await new ListExtractor(connectionString, statementTimeoutSeconds)
            .ExtractAsync(sql, destination, CompressionLevel.Fastest, progress.Add, CancellationToken.None);
        return (Gzip.Decompress(destination.ToArray()), result, progress);
    }

    private static Task<PostgresException> ExtractFailsAsync(string connectionString, string sql, int statementTimeoutSeconds = 60) =>
        Assert.ThrowsAsync<PostgresException>(() => ExtractAsync(connectionString, sql, statementTimeoutSeconds));

    [Fact]
    public async Task Hipertensos_extracts_as_the_read_only_role_with_the_declared_header_every_row_and_accents()
    {
        var sql = PecDatabaseFixture.HipertensosSql;
        using var destination = new MemoryStream();
        var progress = new List<ExtractProgress>();

        var result = await new ListExtractor(db.ReadOnlyConnectionString, 60)
            .ExtractAsync(sql, destination, CompressionLevel.Fastest, progress.Add, CancellationToken.None);

        var compressed = destination.ToArray();
        var csv = Gzip.Decompress(compressed);
        var rows = Csv.Parse(csv);
        var columns = PecDatabaseFixture.HipertensosColumns();
        Assert.Equal(columns, rows[0]);
        Assert.All(rows, r => Assert.Equal(columns.Count, r.Length));

        var expectedRows = await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q");
        Assert.True(expectedRows > 100, $"the synthetic municipality should have plenty of hypertensive people, got {expectedRows}");
        Assert.Equal(expectedRows, rows.Count - 1);

        // Names come out exactly as stored, accents included (UTF-8 end to end).
        var nameColumn = columns.ToList().IndexOf("no_cidadao");
        var expectedNames = await db.ColumnAsync($"SELECT no_cidadao FROM (\n{sql}\n) q ORDER BY id_cidadao");
        Assert.Equal(expectedNames.Select(n => n ?? string.Empty), rows.Skip(1).Select(r => r[nameColumn]));
        Assert.Contains(rows.Skip(1), r => r[nameColumn].Any(c => c > 127));
        Assert.Contains(rows.Skip(1), r => r[nameColumn].Contains('\'', StringComparison.Ordinal) || r[nameColumn].Any(c => "ãõçéíóúâêô".Contains(c, StringComparison.Ordinal)));

        Assert.Equal(csv.Length, result.CsvChars);
        Assert.Equal(compressed.Length, result.CompressedBytes);
        Assert.Equal(expectedRows, result.Rows);
        Assert.NotEmpty(progress);
        Assert.Equal(result.CsvChars, progress[^1].CsvChars);
        Assert.Equal(result.Rows, progress[^1].Rows);
        Assert.Equal(progress.Select(p => p.CsvChars).Order(), progress.Select(p => p.CsvChars));
        Assert.Equal(progress.Select(p => p.Rows).Order(), progress.Select(p => p.Rows));
    }

    [Fact]
    public async Task Extraction_runs_read_only_so_nextval_fails_even_for_the_superuser()
    {
        await db.ExecuteAsync("CREATE SEQUENCE IF NOT EXISTS uploader_test_seq");

        var ex = await ExtractFailsAsync(db.SuperuserConnectionString, "SELECT nextval('uploader_test_seq') AS n");

        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, ex.SqlState);
        Assert.Equal("25006", ex.SqlState);
        Assert.False(await db.ScalarAsync<bool>("SELECT is_called FROM uploader_test_seq"), "the sequence must not have advanced");

        // The same statement outside the extractor does write: the failure above is the transaction, not privileges.
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT nextval('uploader_test_seq')"));
    }

    [Fact]
    public async Task Extraction_runs_read_only_so_a_data_modifying_statement_fails()
    {
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS uploader_test_write (id integer)");

        var ex = await ExtractFailsAsync(db.SuperuserConnectionString, "INSERT INTO uploader_test_write VALUES (1) RETURNING id");

        Assert.Equal("25006", ex.SqlState);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM uploader_test_write"));
    }

    [Fact]
    public async Task A_statement_timeout_stops_a_slow_query()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var ex = await ExtractFailsAsync(db.ReadOnlyConnectionString, "SELECT pg_sleep(5) AS slept", statementTimeoutSeconds: 1);

        Assert.Equal(PostgresErrorCodes.QueryCanceled, ex.SqlState);
        Assert.Equal("57014", ex.SqlState);
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(0.9), $"the timeout fired after {started.Elapsed.TotalMilliseconds:F0} ms, before the 1 s setting");
    }

    [Fact]
    public async Task A_sql_ending_with_a_line_comment_still_works()
    {
        var (csv, _, _) = await ExtractAsync(db.ReadOnlyConnectionString, "SELECT 1 AS one, 'São João' AS place -- the trailing comment");

        Assert.Equal("one,place\n1,São João\n", csv);
    }

    [Fact]
    public async Task Output_formats_are_fixed_whatever_the_session_defaults()
    {
        var unusualDefaults = new NpgsqlConnectionStringBuilder(db.ReadOnlyConnectionString)
        {
            Options = "-c DateStyle=German -c IntervalStyle=iso_8601",
        }.ConnectionString;

        var (csv, _, _) = await ExtractAsync(unusualDefaults, "SELECT date '2024-03-01' AS d, timestamp '2024-03-01 13:45:00' AS ts, interval '1 day 2 hours' AS i, NULL::text AS n, ''::text AS e");

        Assert.Equal("d,ts,i,n,e\n2024-03-01,2024-03-01 13:45:00,1 day 02:00:00,,\"\"\n", csv);
    }

    [Fact]
    public async Task A_syntax_error_surfaces_as_a_PostgresException()
    {
        var ex = await ExtractFailsAsync(db.ReadOnlyConnectionString, "SELEC 1");

        Assert.Equal(PostgresErrorCodes.SyntaxError, ex.SqlState);
    }

    [Fact]
    public async Task Copying_allocates_nothing_per_row_so_memory_does_not_grow_with_the_list()
    {
        // Npgsql's async COPY reads allocated for every row (about 120 bytes), so peak RSS grew with the list up to the
        // GC's gen0 budget. The copy loop runs synchronously on one thread: between its first and last progress report,
        // 200,000 rows must allocate under a byte a row on that thread (it was ~120). An allocation count, not a timing.
        const int rows = 200_000;
        var threads = new int[100_000];
        var allocated = new long[100_000];
        var reports = 0;

        var result = await new ListExtractor(db.ReadOnlyConnectionString, 60).ExtractAsync(
            $"SELECT g AS n, 'row ' || g || ', \"quoted\"' AS t FROM generate_series(1, {rows}) g",
            Stream.Null,
            CompressionLevel.Fastest,
            _ =>
            {
                threads[reports] = Environment.CurrentManagedThreadId;
                allocated[reports] = GC.GetAllocatedBytesForCurrentThread();
                reports++;
            },
            CancellationToken.None);

        Assert.Equal(rows, result.Rows);
        Assert.True(reports > 50, $"expected a progress report per buffer, got {reports}");
        Assert.All(threads.Take(reports), t => Assert.Equal(threads[0], t));
        var perRun = allocated[reports - 1] - allocated[0];
        Assert.True(perRun < rows, $"the copy loop allocated {perRun:N0} bytes for {rows:N0} rows");
    }

    [Fact]
    public async Task Cancelling_stops_an_extraction_blocked_on_a_slow_query()
    {
        using var cancel = new CancellationTokenSource();
        var extraction = new ListExtractor(db.ReadOnlyConnectionString, 60)
            .ExtractAsync("SELECT pg_sleep(30) AS slept", Stream.Null, CompressionLevel.Fastest, null, cancel.Token);
        // Cancelled once the query runs in the server (blocked in pg_sleep), not before it was sent.
        await Eventually.UntilAsync(
            () => db.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg\\_sleep(30) AS slept%' AND pid <> pg_backend_pid()"),
            running => running > 0, TimeSpan.FromSeconds(30), "the slow query to run in the server", TimeSpan.FromMilliseconds(20), running => $"{running} session(s) running it");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => extraction);
    }

    [Fact]
    public async Task The_extractor_refuses_sql_that_is_more_than_one_statement_and_nothing_is_written()
    {
        var scratch = await WritableScratch.CreateAsync(db.SuperuserConnectionString);

        await Assert.ThrowsAsync<NotOneStatementException>(() => ExtractAsync(scratch.ConnectionString(db.SuperuserConnectionString), scratch.Injection));

        Assert.Equal(0, await scratch.RowsAsync(db.SuperuserConnectionString));
    }

    [Fact]
    public async Task The_extractor_session_starts_read_only_with_the_statement_timeout_whatever_its_role_may_do() =>
        await (await WritableScratch.CreateAsync(db.SuperuserConnectionString)).AssertExtractorSessionCannotWriteAsync(db.SuperuserConnectionString);

    [Fact]
    public async Task Extract_does_not_run_a_sql_file_that_is_more_than_one_statement_and_leaves_no_file()
    {
        var scratch = await WritableScratch.CreateAsync(db.SuperuserConnectionString);
        var directory = Directory.CreateTempSubdirectory("extract-");
        try
        {
            var sqlFile = Path.Combine(directory.FullName, "injecao.sql");
            await File.WriteAllTextAsync(sqlFile, scratch.Injection);
            var config = new PecLists.Uploader.Config.UploaderConfig { Database = new PecLists.Uploader.Config.DatabaseConfig { ConnectionString = scratch.ConnectionString(db.SuperuserConnectionString) } };
            using var errors = new StringWriter();

            var output = Path.Combine(directory.FullName, "out.csv.gz");
            var exit = await PecLists.Uploader.Commands.ExtractCommand.ExecuteAsync(config, sqlFile, output, CompressionLevel.Fastest, TextWriter.Null, errors, CancellationToken.None);

            Assert.Equal(ExitCodes.DefinitionSignature, exit);
            Assert.Contains("the SQL is not one statement", errors.ToString(), StringComparison.Ordinal);
            Assert.Equal(0, await scratch.RowsAsync(db.SuperuserConnectionString));
            Assert.False(File.Exists(output)); // a list that failed leaves no file to be taken for a whole one
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
