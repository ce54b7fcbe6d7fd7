using System.Globalization;
using System.Text;
using Dapper;
using LocalInfra;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Loading;

/// <summary>
/// The plans of the statements the real loader runs for each kind of merge, read from PostgreSQL's own auto_explain
/// log, under the statistics production had when two merges went quadratic (ADR 0028 "Also"): the staging table
/// analysed while empty and the list's table analysed while the loading site had no rows, so the planner expects about
/// one row on each side. No plan may join with a nested loop whose inner side reads the staged rows (or the site's rows
/// other than by key) once per outer row. The assertion is on the plan, not on time: a few thousand rows load in a
/// second whatever the plan, and the same plan over 140,000 rows runs for minutes.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class MergePlanTests(InfraFixture infra) : IAsyncLifetime
{
    private const int Rows = 3000;
    private static readonly DateTimeOffset Day1 = new(2026, 10, 1, 3, 0, 0, TimeSpan.Zero);
    private readonly string _container = "c" + Guid.NewGuid().ToString("N")[..12];
    private PostgresServer _postgres = null!;
    private NpgsqlDataSource _database = null!;
    private ListCatalog _catalog = null!;
    private SnapshotStore _store = null!;

    public async Task InitializeAsync()
    {
        // A cluster of its own: auto_explain writes every plan of the central database to a JSON log, and autovacuum is
        // off so the only statistics are the ones each test takes at the wrong moment.
        var bin = PostgresServer.FindBinDirectory();
        Assert.True(await PostgresServer.MajorVersionAsync(bin) >= 15, $"The plan log needs log_destination = jsonlog (PostgreSQL 15 or later); {bin} is older.");
        _postgres = await PostgresServer.StartAsync(bin, settings: new Dictionary<string, string>
        {
            ["session_preload_libraries"] = "auto_explain",
            ["auto_explain.log_format"] = "json",
            ["auto_explain.log_verbose"] = "on",
            ["logging_collector"] = "on",
            ["log_destination"] = "jsonlog",
            ["log_filename"] = "plans.log",
            ["log_rotation_size"] = "0",
            ["log_rotation_age"] = "0",
            ["autovacuum"] = "off",
        });
        await _postgres.CreateDatabaseAsync("central");
        var connectionString = _postgres.ConnectionString("central");
        var outcome = Migrator.Migrate(connectionString, TextWriter.Null);
        Assert.True(outcome.Succeeded, outcome.Error);
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await setup.ExecuteAsync("ALTER DATABASE central SET auto_explain.log_min_duration = 0");
        }

        _database = NpgsqlDataSource.Create(connectionString);
        _catalog = new ListCatalog(_database, TimeProvider.System);
        _store = new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = _container }));
    }

    public async Task DisposeAsync()
    {
        _catalog?.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_keyed_whole_snapshot_merge_keeping_the_held_digest_joins_the_staged_rows_without_a_nested_loop()
    {
        var list = await PublishAsync(Keyed($"plano_chave_{Suffix()}"));
        var site = await SiteWithStaleStatisticsAsync(list, Plain(1, Rows));
        await LoadAsync(list, site, Day1, Plain(1, Rows));

        // 100 rows gone, 100 new, every tenth changed: a merge (the site has rows) that inserts, updates and deletes.
        var merge = await LoadAsync(list, site, Day1.AddDays(1), Plain(101, Rows + 100, changedEvery: 10));

        Assert.Equal(new SnapshotRowCounts(100, 290, 100, Rows - 390), merge.Rows);
        Assert.Equal("merge", merge.Path);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    [Fact]
    public async Task A_keyed_whole_snapshot_merge_of_an_incremental_list_without_a_held_digest_joins_the_staged_rows_without_a_nested_loop()
    {
        var list = await PublishAsync(Incremental($"plano_incr_{Suffix()}"));
        var site = await SiteWithStaleStatisticsAsync(list, Records(1, Rows));
        await LoadAsync(list, site, Day1, Records(1, Rows));

        // The soft-delete column drops ten staged rows; the plain path (no digest: not a snapshot-mode list).
        var merge = await LoadAsync(list, site, Day1.AddDays(1), Records(101, Rows + 100, changedEvery: 10, removedEvery: 300));

        Assert.Equal(SnapshotStatuses.Loaded, merge.Status);
        Assert.Equal("merge", merge.Path);
        Assert.Equal(100 + 10, merge.Rows!.Deleted);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    [Fact]
    public async Task A_keyless_whole_snapshot_merge_keeping_the_held_digest_joins_the_staged_rows_without_a_nested_loop()
    {
        var list = await PublishAsync(Keyless($"plano_semchave_{Suffix()}"));
        var site = await SiteWithStaleStatisticsAsync(list, Plain(1, Rows));
        await LoadAsync(list, site, Day1, Plain(1, Rows));

        var merge = await LoadAsync(list, site, Day1.AddDays(1), Plain(101, Rows + 100, changedEvery: 10));

        // Keyless: a changed row is one row deleted and one inserted.
        Assert.Equal(new SnapshotRowCounts(100 + 290, 0, 100 + 290, Rows - 390), merge.Rows);
        Assert.Equal("merge", merge.Path);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    [Fact]
    public async Task A_keyless_whole_snapshot_merge_without_a_held_digest_joins_the_staged_rows_without_a_nested_loop()
    {
        var list = await PublishAsync(Keyless($"plano_semchave_{Suffix()}"));
        var site = await SiteWithStaleStatisticsAsync(list, Plain(1, Rows));
        await LoadAsync(list, site, Day1, Plain(1, Rows));
        await new SnapshotLedger(_database).ForgetHeldDigestAsync(site, list.Name, CancellationToken.None);

        var merge = await LoadAsync(list, site, Day1.AddDays(1), Plain(101, Rows + 100, changedEvery: 10));

        Assert.Equal(new SnapshotRowCounts(100 + 290, 0, 100 + 290, Rows - 390), merge.Rows);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    [Fact]
    public async Task An_append_delivery_joins_its_rows_to_the_sites_without_a_nested_loop_rereading_either()
    {
        var list = await PublishAsync(Keyed($"plano_append_{Suffix()}") with { Mode = LoadModes.Append });
        var site = await SiteWithStaleStatisticsAsync(list, Plain(1, Rows), DeliveryKinds.Append);
        await LoadAsync(list, site, Day1, Plain(1, Rows), DeliveryKinds.Append);

        // The next poll overlaps all but 100 of the rows already there and brings 100 new ones.
        var merge = await LoadAsync(list, site, Day1.AddHours(1), Plain(101, Rows + 100), DeliveryKinds.Append);

        Assert.Equal(new SnapshotRowCounts(100, 0, 0, Rows), merge.Rows);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    [Fact]
    public async Task A_small_append_delivery_joins_its_rows_to_the_sites_without_a_nested_loop_rereading_either()
    {
        var list = await PublishAsync(Keyed($"plano_append_{Suffix()}") with { Mode = LoadModes.Append });
        var site = await SiteWithStaleStatisticsAsync(list, Plain(1, Rows), DeliveryKinds.Append);
        await LoadAsync(list, site, Day1, Plain(1, Rows), DeliveryKinds.Append);

        // A usual poll: a few rows, half of them already there. The site's rows (estimated at one) must not be read per row.
        var merge = await LoadAsync(list, site, Day1.AddHours(1), Plain(Rows - 9, Rows + 10), DeliveryKinds.Append);

        Assert.Equal(new SnapshotRowCounts(10, 0, 0, Rows), merge.Rows);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    [Fact]
    public async Task A_small_changes_delivery_joins_its_rows_to_the_sites_without_a_nested_loop_rereading_either()
    {
        var list = await PublishAsync(Incremental($"plano_mudancas_{Suffix()}"));
        var site = await SiteWithStaleStatisticsAsync(list, Records(1, Rows));
        await LoadAsync(list, site, Day1, Records(1, Rows));

        // A usual poll: ten rows changed (one of them soft-deleted) and ten new.
        var ids = Enumerable.Range(1, 10).Select(i => Rows - 100 + (10 * i)).Concat(Enumerable.Range(Rows + 1, 10));
        var merge = await LoadAsync(list, site, Day1.AddDays(1), Records(ids, changedEvery: 10, removedEvery: 300), DeliveryKinds.Changes, "2026-10-02T03:00:00Z");

        Assert.Equal(new SnapshotRowCounts(10, 9, 1, Rows - 10), merge.Rows);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    [Fact]
    public async Task A_changes_delivery_joins_its_rows_to_the_sites_without_a_nested_loop_rereading_either()
    {
        var list = await PublishAsync(Incremental($"plano_mudancas_{Suffix()}"));
        var site = await SiteWithStaleStatisticsAsync(list, Records(1, Rows));
        await LoadAsync(list, site, Day1, Records(1, Rows));

        // A long outage's changes: every row of the site again (every tenth changed, every 300th soft-deleted) and 100 new.
        var merge = await LoadAsync(list, site, Day1.AddDays(1), Records(1, Rows + 100, changedEvery: 10, removedEvery: 300), DeliveryKinds.Changes, "2026-10-02T03:00:00Z");

        Assert.Equal(new SnapshotRowCounts(100, 290, 10, Rows - 300), merge.Rows);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    [Fact]
    public async Task A_key_set_delivery_joins_its_keys_to_the_sites_rows_without_a_nested_loop_rereading_either()
    {
        var list = await PublishAsync(Incremental($"plano_chaves_{Suffix()}"));
        var site = await SiteWithStaleStatisticsAsync(list, Records(1, Rows));
        await LoadAsync(list, site, Day1, Records(1, Rows));

        // Every key of the site but the first 100: those were deleted at the source.
        var keys = "id\n" + string.Concat(Enumerable.Range(101, Rows - 100).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n"));
        var merge = await LoadAsync(list, site, Day1.AddDays(1), keys, DeliveryKinds.KeySet);

        Assert.Equal(new SnapshotRowCounts(0, 0, 100, Rows - 100), merge.Rows);
        await AssertNoNestedLoopRereadsAsync(list);
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    private static ListDefinition Keyed(string name) =>
        new(name, 1, "test", "SELECT 1", [new("id", "bigint"), new("nome", "text"), new("valor", "numeric")], ["id"]);

    private static ListDefinition Keyless(string name) =>
        new(name, 1, "test", "SELECT 1", [new("id", "bigint"), new("nome", "text"), new("valor", "numeric")], []);

    private static ListDefinition Incremental(string name) =>
        new(name, 1, "test", "SELECT 1",
            [new("id", "bigint"), new("nome", "text"), new("atualizado", "timestamptz"), new("removido", "timestamptz")], ["id"],
            Mode: LoadModes.Incremental, Incremental: new IncrementalDto("atualizado", SoftDeleteColumn: "removido"));

    /// <summary>Rows id,nome,valor for ids from..to; every <paramref name="changedEvery"/>th (by id) with another valor.</summary>
    private static string Plain(int from, int to, int changedEvery = 0)
    {
        var csv = new StringBuilder("id,nome,valor\n");
        for (var i = from; i <= to; i++)
        {
            var changed = changedEvery > 0 && i % changedEvery == 0;
            csv.Append(CultureInfo.InvariantCulture, $"{i},Pessoa {i},{(changed ? i + 1000 : i % 97)}\n");
        }

        return csv.ToString();
    }

    /// <summary>Rows id,nome,atualizado,removido for ids from..to; every <paramref name="removedEvery"/>th soft-deleted.</summary>
    private static string Records(int from, int to, int changedEvery = 0, int removedEvery = 0) =>
        Records(Enumerable.Range(from, to - from + 1), changedEvery, removedEvery);

    private static string Records(IEnumerable<int> ids, int changedEvery = 0, int removedEvery = 0)
    {
        var csv = new StringBuilder("id,nome,atualizado,removido\n");
        foreach (var i in ids)
        {
            var changed = changedEvery > 0 && i % changedEvery == 0;
            var removed = removedEvery > 0 && i % removedEvery == 0 ? "2026-10-02 02:00:00+00" : string.Empty;
            csv.Append(CultureInfo.InvariantCulture, $"{i},{(changed ? "Outra " : "Pessoa ")}{i},2026-10-01 02:00:00+00,{removed}\n");
        }

        return csv.ToString();
    }

    private async Task<ListDefinition> PublishAsync(ListDefinition list)
    {
        await ListPublisher.PublishAsync(_database, list, activate: true, CancellationToken.None);
        _catalog.Invalidate();
        return list;
    }

    /// <summary>
    /// A new site and the statistics production had for it: another site's rows loaded and the list's table analysed
    /// before this site had any (its site_id is in no statistics: about one row), the staging table analysed while empty.
    /// </summary>
    private async Task<string> SiteWithStaleStatisticsAsync(ListDefinition list, string otherSitesRows, string delivery = DeliveryKinds.Snapshot)
    {
        await LoadAsync(list, await NewSiteAsync(), Day1.AddDays(-1), otherSitesRows, delivery);
        await using var connection = await _database.OpenConnectionAsync();
        await connection.ExecuteAsync($"ANALYZE {list.TableName}; ANALYZE {list.StagingTableName}");
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {list.StagingTableName}"));
        return await NewSiteAsync();
    }

    private async Task<string> NewSiteAsync()
    {
        var site = Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
        await SiteTokens.AddSiteAsync(_database, site, $"Município {site}", CancellationToken.None);
        return site;
    }

    /// <summary>Records a received delivery (blob and bookkeeping row, as ingest does) and runs the real loader on it.</summary>
    private async Task<LoadResult> LoadAsync(ListDefinition list, string site, DateTimeOffset extractedAt, string csv, string delivery = DeliveryKinds.Snapshot, string? cursor = null)
    {
        var id = SnapshotIds.New(extractedAt);
        var body = Csv.Gzip(csv);
        var reference = new LoadMessage(id, site, list.Name, SnapshotStore.BlobName(site, list.Name, extractedAt, id), extractedAt);
        await using (var content = new MemoryStream(body))
        {
            Assert.Null(await _store.TryCreateAsync(reference, list.Version, Csv.Digest(body), delivery, cursor, content, CancellationToken.None));
        }

        Assert.True(await new SnapshotLedger(_database).RecordReceivedAsync(
            new NewSnapshot(id, site, list.Name, reference.Blob, Csv.Digest(body), body.Length, extractedAt, "test", list.Version, delivery, cursor), CancellationToken.None));
        var result = await new SnapshotLoader(_database, _store, _catalog, Options.Create(new LoadOptions { LockTimeoutSeconds = 5 }), NullLogger<SnapshotLoader>.Instance)
            .LoadAsync(reference, CancellationToken.None);
        Assert.True(result.Status == SnapshotStatuses.Loaded, $"{result.Status} {result.ErrorCode} {result.Reason}");
        return result;
    }

    /// <summary>
    /// Every logged plan of a statement naming the list (its table or its staging table) has no nested loop whose inner
    /// side reads rows of this load again for each outer row; the merge's plans were logged at all, and the planner did
    /// expect only a handful of staged rows (the statistics were the stale ones, not fresh ones that hide the problem).
    /// </summary>
    private async Task AssertNoNestedLoopRereadsAsync(ListDefinition list)
    {
        var plans = await PlanLog.ReadUntilMarkerAsync(_database, _postgres.DataDirectory);
        var ours = plans.Where(p => p.QueryText.Contains(list.Name, StringComparison.Ordinal)).ToList();
        Assert.Contains(ours, p => p.QueryText.Contains(list.StagingTableName, StringComparison.Ordinal) || p.QueryText.Contains("stage", StringComparison.Ordinal));
        Assert.True(ours.Any(p => MergePlans.ExpectsFewStagedRows(p, list, atMost: 10)),
            "No plan expected the staging table to hold a handful of this load's rows: the statistics were not the stale ones this test is about.");
        var rereads = ours.SelectMany(p => MergePlans.NestedLoopRereads(p, list)).ToList();
        Assert.True(rereads.Count == 0, string.Join("\n\n", rereads));
    }
}
