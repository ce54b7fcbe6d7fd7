using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>
/// An incremental list over a real PostgreSQL table, run by the whole upload pipeline against a stub backend that serves
/// the acknowledged cursor (as the loader would after loading a delivery): the first run is a whole snapshot, later runs
/// send the changes since the acknowledged cursor minus the lookback, key sets go when due, and the cursor moves only
/// when the backend acknowledges it.
/// </summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class IncrementalPostgresTests(PecDatabaseFixture db) : IDisposable
{
    /// <summary>The rows' times: hours before the runs, so nothing depends on the machine's clock.</summary>
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();
    private readonly string _table = "usuarios_" + Guid.NewGuid().ToString("N")[..8];
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    /// <summary>What GET lists/{list}/cursor answers; a test moves it as the loader would.</summary>
    private ListCursorDto _acknowledged = new("usuarios", null, null, null, null);

    public void Dispose() => _dir.Dispose();

    /// <summary>A mask on <c>nome</c> (a column outside the key), for the test of a masked list's key set.</summary>
    private ColumnMaskDto? _nomeMask;

    private ListDefinitionDto List => new(
        "usuarios",
        1,
        $"SELECT id, nome, updated_at, deleted_at FROM {_table}",
        [new("id", "integer"), new("nome", "text", Mask: _nomeMask), new("updated_at", "timestamptz"), new("deleted_at", "timestamptz")],
        ["id"],
        Mode: LoadModes.Incremental,
        Incremental: new IncrementalDto("updated_at", LookbackSeconds: 300, SoftDeleteColumn: "deleted_at", KeySetEveryHours: 24));

    [Fact]
    public async Task The_first_run_is_a_whole_snapshot_then_inserts_updates_soft_deletes_and_a_late_commit_arrive_as_changes_and_an_unacknowledged_cursor_never_moves()
    {
        await CreateTableAsync((1, T0.AddHours(-3)), (2, T0.AddHours(-2)), (3, T0.AddHours(-1)));
        await using var backend = await StartBackendAsync();

        var first = await RunAsync(backend);
        var snapshot = Assert.Single(Puts(backend));
        Assert.Equal(ExitCodes.Ok, first);
        Assert.Equal((DeliveryKinds.Snapshot, "2026-12-07T11:00:00.000000Z"), (snapshot.Header(WireNames.DeliveryHeader), snapshot.Header(WireNames.CursorHeader)));
        Assert.Equal([1, 2, 3], Ids(snapshot));

        Acknowledge(snapshot, keySetAt: _now);
        await db.ExecuteAsync($"""
            UPDATE {_table} SET nome = 'b2', updated_at = '{T0:O}' WHERE id = 2;
            INSERT INTO {_table} VALUES (4, 'd', '{T0.AddMinutes(1):O}', NULL);
            UPDATE {_table} SET deleted_at = '{T0:O}', updated_at = '{T0.AddMinutes(2):O}' WHERE id = 3;
            DELETE FROM {_table} WHERE id = 1;
            -- committed late: its updated_at is 2 minutes older than the acknowledged cursor, inside the 5-minute lookback
            INSERT INTO {_table} VALUES (5, 'e', '{T0.AddHours(-1).AddMinutes(-2):O}', NULL);
            """);

        await RunAsync(backend);
        var changes = Puts(backend)[1];
        Assert.Equal((DeliveryKinds.Changes, "2026-12-07T12:02:00.000000Z"), (changes.Header(WireNames.DeliveryHeader), changes.Header(WireNames.CursorHeader)));
        Assert.Equal([2, 3, 4, 5], Ids(changes));
        Assert.Contains(Rows(changes), r => r[0] == "3" && r[3].Length > 0); // the soft delete travels as a change

        // Not acknowledged (still in the queue, or its load failed): the next run reads from the old cursor again.
        await RunAsync(backend);
        var again = Puts(backend)[2];
        Assert.Equal((DeliveryKinds.Changes, "2026-12-07T12:02:00.000000Z"), (again.Header(WireNames.DeliveryHeader), again.Header(WireNames.CursorHeader)));
        Assert.Equal([2, 3, 4, 5], Ids(again));
    }

    [Fact]
    public async Task Rows_only_inside_the_lookback_window_are_sent_again_with_the_acknowledged_cursor_never_an_older_one()
    {
        await CreateTableAsync((1, T0.AddMinutes(-10)), (2, T0.AddMinutes(-3)), (3, T0));
        await using var backend = await StartBackendAsync();
        _acknowledged = new ListCursorDto("usuarios", "2026-12-07T12:00:00Z", Guid.NewGuid(), _now, _now);

        await RunAsync(backend);

        var changes = Assert.Single(Puts(backend));
        Assert.Equal([2, 3], Ids(changes)); // 11:57 and 12:00 are after 12:00 − 5 min; 11:50 is not
        Assert.Equal("2026-12-07T12:00:00.000000Z", changes.Header(WireNames.CursorHeader));
    }

    [Fact]
    public async Task A_key_set_goes_with_the_changes_when_the_last_one_is_older_than_its_period()
    {
        await CreateTableAsync((1, T0.AddHours(-3)), (2, T0.AddHours(-2)), (7, T0));
        await using var backend = await StartBackendAsync();
        _acknowledged = new ListCursorDto("usuarios", "2026-12-07T11:59:00Z", Guid.NewGuid(), _now, _now.AddHours(-25));

        await RunAsync(backend);

        var puts = Puts(backend);
        Assert.Equal([DeliveryKinds.Changes, DeliveryKinds.KeySet], puts.Select(p => p.Header(WireNames.DeliveryHeader)));
        var keys = puts[1];
        Assert.Equal("id", Csv(keys).Split('\n')[0]);
        Assert.Equal([1, 2, 7], Ids(keys));
        Assert.Null(keys.Header(WireNames.CursorHeader));

        await RunAsync(backend); // accepted an instant ago: not read again before its period, even though not loaded yet
        Assert.Equal([DeliveryKinds.Changes], Puts(backend).Skip(2).Select(p => p.Header(WireNames.DeliveryHeader)));
    }

    [Fact]
    public async Task The_key_set_of_a_list_that_masks_a_column_outside_its_key_is_read_and_sent_with_the_changes()
    {
        _nomeMask = new ColumnMaskDto(MaskKinds.Redact);
        await CreateTableAsync((1, T0.AddHours(-3)), (2, T0.AddHours(-2)), (7, T0));
        await using var backend = await StartBackendAsync();
        _acknowledged = new ListCursorDto("usuarios", "2026-12-07T11:59:00Z", Guid.NewGuid(), _now, _now.AddHours(-25));

        var exitCode = await RunAsync(backend);

        Assert.Equal(ExitCodes.Ok, exitCode);
        var puts = Puts(backend);
        Assert.Equal([DeliveryKinds.Changes, DeliveryKinds.KeySet], puts.Select(p => p.Header(WireNames.DeliveryHeader)));
        Assert.All(Rows(puts[0]), r => Assert.Equal(string.Empty, r[1])); // the changes carry nome redacted
        Assert.Equal("id", Csv(puts[1]).Split('\n')[0]);
        Assert.Equal([1, 2, 7], Ids(puts[1]));
    }

    [Fact]
    public async Task A_cursor_column_with_nulls_is_a_clear_error_naming_the_column_and_nothing_is_sent()
    {
        await CreateTableAsync((1, T0), (2, null), (3, null));
        await using var backend = await StartBackendAsync();
        var said = new List<string>();

        var exitCode = await RunAsync(backend, said);

        Assert.Equal(ExitCodes.Database, exitCode);
        Assert.Empty(Puts(backend));
        var message = Assert.Single(said, m => m.Contains("updated_at", StringComparison.Ordinal));
        Assert.Contains("2 row(s)", message, StringComparison.Ordinal);
        Assert.Contains("COALESCE", message, StringComparison.Ordinal);
        Assert.Equal(FailureCategories.SourceSchema, PipelineRuns.LastHeartbeat(backend).ErrorCode);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.csv.gz*", SearchOption.AllDirectories));

        // Also in a changes read: the NULL rows are read in order to be refused, never skipped silently.
        _acknowledged = new ListCursorDto("usuarios", "2026-12-07T13:00:00Z", Guid.NewGuid(), _now, _now);
        Assert.Equal(ExitCodes.Database, await RunAsync(backend));
        Assert.Empty(Puts(backend));
    }

    [Fact]
    public async Task A_hostile_acknowledged_cursor_is_refused_and_nothing_is_read()
    {
        await CreateTableAsync((1, T0));
        await using var backend = await StartBackendAsync();
        _acknowledged = new ListCursorDto("usuarios", $"2026-01-01'::timestamptz; DELETE FROM {_table}; --", null, null, null);
        var said = new List<string>();

        var exitCode = await RunAsync(backend, said);

        Assert.Equal(ExitCodes.Network, exitCode);
        Assert.Empty(Puts(backend));
        Assert.Contains(said, m => m.Contains("not a timestamp", StringComparison.Ordinal));
        Assert.DoesNotContain(said, m => m.Contains("DELETE", StringComparison.Ordinal));
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {_table}"));
    }

    [Fact]
    public async Task A_delivery_the_backend_could_not_take_resends_with_its_kind_and_cursor()
    {
        await CreateTableAsync((1, T0));
        var refuse = true;
        await using var backend = await StartBackendAsync(() => refuse);

        Assert.Equal(ExitCodes.Network, await RunAsync(backend));
        refuse = false;
        await CreateRowAsync(2, T0.AddMinutes(1)); // the next extraction reads more, the spooled one resends as it was
        await RunAsync(backend);

        var puts = Puts(backend);
        Assert.Equal(puts[0].Path, puts[1].Path);
        Assert.Equal((DeliveryKinds.Snapshot, "2026-12-07T12:00:00.000000Z"), (puts[1].Header(WireNames.DeliveryHeader), puts[1].Header(WireNames.CursorHeader)));
        Assert.Equal(puts[0].Body, puts[1].Body);
        Assert.Equal("2026-12-07T12:01:00.000000Z", puts[2].Header(WireNames.CursorHeader));
    }

    private async Task CreateTableAsync(params (int Id, DateTimeOffset? UpdatedAt)[] rows)
    {
        await db.ExecuteAsync($"CREATE TABLE {_table} (id integer PRIMARY KEY, nome text, updated_at timestamptz, deleted_at timestamptz); GRANT SELECT ON {_table} TO {PecDatabaseFixture.ReadOnlyRole}");
        foreach (var (id, updatedAt) in rows)
        {
            await CreateRowAsync(id, updatedAt);
        }
    }

    private Task CreateRowAsync(int id, DateTimeOffset? updatedAt) =>
        db.ExecuteAsync($"INSERT INTO {_table} VALUES ({id}, 'n{id}', {(updatedAt is { } at ? $"'{at:O}'" : "NULL")}, NULL)");

    /// <summary>What the loader does once a delivery is loaded: the backend's cursor becomes its X-Cursor.</summary>
    private void Acknowledge(ReceivedRequest delivery, DateTimeOffset? keySetAt) =>
        _acknowledged = new ListCursorDto("usuarios", delivery.Header(WireNames.CursorHeader), null, _now, keySetAt);

    private Task<StubBackend> StartBackendAsync(Func<bool>? refusePuts = null)
    {
        var catalog = new ListCatalogDto([TestSigning.SignFull(List)]);
        return StubBackend.StartAsync(async (context, request) =>
        {
            if (request.Path == ApiRoutes.ListCursorPath("usuarios"))
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(_acknowledged, ContractsJsonContext.Default.ListCursorDto));
            }
            else if (request.Method == "PUT" && refusePuts?.Invoke() == true)
            {
                await StubBackend.Problem(context, StatusCodes.Status503ServiceUnavailable, ProblemCodes.DependencyUnavailable, "down");
            }
            else
            {
                await PipelineRuns.Serving(catalog)(context, request);
            }
        });
    }

    private async Task<int> RunAsync(StubBackend backend, List<string>? said = null)
    {
        _now = _now.AddMinutes(1);
        var source = new PostgresSource(new DatabaseConfig { ConnectionString = db.ReadOnlyConnectionString });
        var result = await PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), _now, onEvent: e => said?.Add(e.Message));
        return result.ExitCode;
    }

    private static List<ReceivedRequest> Puts(StubBackend backend) => [.. backend.Requests.Where(r => r.Method == "PUT")];

    private static string Csv(ReceivedRequest put)
    {
        using var gzip = new GZipStream(new MemoryStream(put.Body), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static List<string[]> Rows(ReceivedRequest put) =>
        [.. Csv(put).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))];

    private static List<int> Ids(ReceivedRequest put) => [.. Rows(put).Select(r => int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).Order()];
}
