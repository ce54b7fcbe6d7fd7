using System.Diagnostics;
using System.IO.Compression;
using PecLists.Uploader.Extraction;
using LocalInfra;
using Npgsql;
using SyntheticPec;
using Xunit.Abstractions;

namespace PecLists.Uploader.Tests;

/// <summary>
/// A synthetic PEC database on PostgreSQL 10, the oldest server available here (e-SUS PEC bundles 9.6), from the npm
/// package that scripts/install-deps.sh installs (<see cref="PostgresServer.FindOldBinDirectory"/>).
/// </summary>
public sealed class OldPecDatabaseFixture : IAsyncLifetime
{
    public const int Citizens = 2_000;

    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public string ReadOnlyConnectionString =>
        Server.ConnectionString(PecDatabaseFixture.Database, PecDatabaseFixture.ReadOnlyRole, PecDatabaseFixture.ReadOnlyPassword);

    public string SuperuserConnectionString => Server.ConnectionString(PecDatabaseFixture.Database);

    /// <summary>How long starting the cluster and building the database took, for the test output.</summary>
    public TimeSpan SetupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        _server = await PostgresServer.StartAsync(binDirectory: PostgresServer.FindOldBinDirectory());
        await _server.CreateDatabaseAsync(PecDatabaseFixture.Database);
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await PecDatabase.CreateSchemaAsync(connection);
        await PecDatabase.PopulateAsync(connection, new PecSeed(Citizens, 7, "2304400", "Fortaleza", DateOnly.FromDateTime(DateTime.Today)));
        await PecDatabase.CreateReadOnlyRoleAsync(connection, PecDatabaseFixture.ReadOnlyRole, PecDatabaseFixture.ReadOnlyPassword);
        SetupTime = started.Elapsed;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public sealed class OldPostgresTests(OldPecDatabaseFixture db, ITestOutputHelper output) : IClassFixture<OldPecDatabaseFixture>
{
    private static async Task<string> ExtractAsync(string connectionString, string sql)
    {
        using var destination = new MemoryStream();
        await new ListExtractor(connectionString, 60).ExtractAsync(sql, destination, CompressionLevel.Fastest, null, CancellationToken.None);
        return Gzip.Decompress(destination.ToArray());
    }

    [Fact]
    public async Task The_server_really_is_PostgreSQL_10()
    {
        Assert.Equal(10, db.Server.MajorVersion);
        var version = await db.ScalarAsync<string>("SELECT version()");
        Assert.StartsWith("PostgreSQL 10.", version, StringComparison.Ordinal);
        var versionNum = int.Parse(await db.ScalarAsync<string>("SHOW server_version_num"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(versionNum, 100000, 109999);
        output.WriteLine($"{version}; cluster + {OldPecDatabaseFixture.Citizens} citizens built in {db.SetupTime.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task The_extractor_session_is_the_read_only_role_on_PostgreSQL_10_in_a_read_only_transaction()
    {
        var csv = await ExtractAsync(
            db.ReadOnlyConnectionString,
            "SELECT current_user::text AS who, split_part(version(), ' ', 2) AS version, current_setting('transaction_read_only') AS read_only");

        var rows = Csv.Parse(csv);
        Assert.Equal(["who", "version", "read_only"], rows[0]);
        Assert.Equal(PecDatabaseFixture.ReadOnlyRole, rows[1][0]);
        Assert.StartsWith("10.", rows[1][1], StringComparison.Ordinal);
        Assert.Equal("on", rows[1][2]);
    }

    [Fact]
    public async Task The_extractor_session_starts_read_only_with_the_statement_timeout_on_PostgreSQL_10() =>
        await (await WritableScratch.CreateAsync(db.SuperuserConnectionString)).AssertExtractorSessionCannotWriteAsync(db.SuperuserConnectionString);

    [Theory]
    [InlineData("timestamptz", "2026-12-07 12:00:00+00", "2026-12-07T11:59:59.999999Z")]
    [InlineData("timestamp", "2026-12-07 12:00:00", "2026-12-07T11:59:59.999999")]
    public async Task A_changes_read_binds_its_cursor_through_set_config_and_reads_only_later_rows_on_PostgreSQL_10(string type, string boundary, string since)
    {
        var table = "eventos_" + Guid.NewGuid().ToString("N")[..8];
        await using (var setup = new NpgsqlConnection(db.SuperuserConnectionString))
        {
            await setup.OpenAsync();
            await using var create = new NpgsqlCommand(
                $"CREATE TABLE {table} (id int, alterado_em {type}); INSERT INTO {table} VALUES (1, '{boundary}'::{type} - interval '1 second'), (2, '{boundary}'), (3, '{boundary}'::{type} + interval '1 hour'); GRANT SELECT ON {table} TO {PecDatabaseFixture.ReadOnlyRole}",
                setup);
            await create.ExecuteNonQueryAsync();
        }

        var list = new PecLists.Contracts.ListDefinitionDto("eventos", 1, $"SELECT id, alterado_em FROM {table}", [], ["id"], Mode: PecLists.Contracts.LoadModes.Incremental, Incremental: new PecLists.Contracts.IncrementalDto("alterado_em"));
        var source = new PecLists.Uploader.Sources.PostgresSource(new PecLists.Uploader.Config.DatabaseConfig { ConnectionString = db.ReadOnlyConnectionString });
        using var gz = new MemoryStream();
        await using (var output = PecLists.Uploader.Extraction.SpoolCsvWriter.Open(gz, CompressionLevel.Fastest))
        {
            await source.ExtractAsync(list, PecLists.Uploader.Incremental.SourceRead.ChangesSince(PecLists.Uploader.Incremental.CursorValue.TryParse(since)!.Value), output, null, CancellationToken.None);
        }

        gz.Position = 0;
        using var reader = new StreamReader(new GZipStream(gz, CompressionMode.Decompress));
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["id", "2", "3"], lines.Select(l => l.Split(',')[0]));
    }

    [Fact]
    public async Task Hipertensos_extracts_as_the_read_only_role_with_the_declared_header_and_every_row()
    {
        var sql = PecDatabaseFixture.HipertensosSql;
        var started = Stopwatch.StartNew();

        var rows = Csv.Parse(await ExtractAsync(db.ReadOnlyConnectionString, sql));

        var columns = PecDatabaseFixture.HipertensosColumns();
        Assert.Equal(columns, rows[0]);
        Assert.All(rows, r => Assert.Equal(columns.Count, r.Length));
        var expectedRows = await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q");
        Assert.True(expectedRows > 50, $"the synthetic municipality should have plenty of hypertensive people, got {expectedRows}");
        Assert.Equal(expectedRows, rows.Count - 1);
        output.WriteLine($"{expectedRows} rows extracted in {started.ElapsedMilliseconds} ms");
    }

    public static TheoryData<string> Lists() => PecDatabaseFixture.ListNames();

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Every_shipped_list_extracts_on_PostgreSQL_10_with_its_declared_header_and_every_row(string list)
    {
        var (sql, columns, _) = PecDatabaseFixture.ListDefinition(list);
        var started = Stopwatch.StartNew();

        var rows = Csv.Parse(await ExtractAsync(db.ReadOnlyConnectionString, sql));

        Assert.Equal(columns, rows[0]);
        Assert.All(rows, r => Assert.Equal(columns.Count, r.Length));
        var expectedRows = await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q");
        Assert.True(expectedRows > 10, $"{list}: the synthetic municipality should fill the list, got {expectedRows}");
        Assert.Equal(expectedRows, rows.Count - 1);
        output.WriteLine($"{list}: {expectedRows} rows extracted in {started.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Extraction_runs_read_only_so_a_data_modifying_statement_fails_even_for_the_superuser()
    {
        await using (var connection = new NpgsqlConnection(db.SuperuserConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS uploader_test_write (id integer)", connection);
            await create.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<PostgresException>(() =>
            ExtractAsync(db.SuperuserConnectionString, "INSERT INTO uploader_test_write VALUES (1) RETURNING id"));

        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, ex.SqlState);
        Assert.Equal("25006", ex.SqlState);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM uploader_test_write"));
    }
}
