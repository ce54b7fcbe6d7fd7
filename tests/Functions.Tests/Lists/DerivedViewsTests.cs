using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Lists;

/// <summary>
/// A list's central views against a real PostgreSQL (a database of the test's own): created from their SQL when a version
/// is activated, in the publish's transaction, replaced when another version is, and a view PostgreSQL refuses refuses
/// the whole publish with nothing stored. Also the cross-version rules the publish transaction enforces.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class DerivedViewsTests(InfraFixture infra) : IAsyncLifetime
{
    private OwnDatabase _database = null!;

    private ListPublishing Lists => new(_database.DataSource, new ListCatalog(_database.DataSource, TimeProvider.System), Options.Create(new ListSigningOptions()));

    public async Task InitializeAsync() => _database = await OwnDatabase.CreateAsync(infra, "views");

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static ListDefinition Atendimentos(int version, params DerivedViewDto[] views) => new(
        "atendimentos",
        version,
        "test list",
        "SELECT id, unidade, valor FROM t",
        [new ListColumnDto("id", "bigint"), new ListColumnDto("unidade", "text"), new ListColumnDto("valor", "numeric")],
        ["id"],
        Views: views);

    private static DerivedViewDto PorUnidade => new("atendimentos_por_unidade", "SELECT site_id, unidade, count(*) AS n FROM lists.atendimentos GROUP BY site_id, unidade");

    [Fact]
    public async Task A_view_is_created_by_the_activating_publish_reads_the_lists_table_and_is_audited()
    {
        Assert.Equal(ListPublishVerdict.Published, (await Lists.PublishAsync(Atendimentos(1, PorUnidade), activate: true, "cli:ana", default)).Verdict);
        await InsertAsync(1, "ubs centro", 2, "ubs norte", 3, "ubs centro");

        Assert.Equal(
            [("ubs centro", 2L), ("ubs norte", 1L)],
            await QueryAsync<(string, long)>("SELECT unidade, n FROM lists.atendimentos_por_unidade ORDER BY unidade"));
        var audit = Assert.Single(await AuditAsync("list-views"));
        Assert.Equal("cli:ana", audit.Actor);
        Assert.Contains("\"created\": [\"atendimentos_por_unidade\"]", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_published_inactive_creates_no_view_and_its_activation_does()
    {
        Assert.Equal(ListPublishVerdict.Published, (await Lists.PublishAsync(Atendimentos(1, PorUnidade), activate: false, "cli:ana", default)).Verdict);
        Assert.Empty(await ViewsAsync());

        Assert.Equal(ListPublishVerdict.Published, (await Lists.ActivateAsync("atendimentos", 1, "cli:ana", default)).Verdict);

        Assert.Equal(["atendimentos_por_unidade"], await ViewsAsync());
    }

    [Fact]
    public async Task A_new_version_replaces_the_previous_versions_views_columns_included_and_drops_those_it_no_longer_has()
    {
        var total = new DerivedViewDto("atendimentos_total", "SELECT count(*) AS n FROM lists.atendimentos");
        await PublishActiveAsync(Atendimentos(1, PorUnidade, total));

        // The same name with other columns (CREATE OR REPLACE VIEW cannot drop or retype them), one view gone, one new.
        var totalWithSum = total with { Sql = "SELECT count(*) AS n, sum(valor) AS soma FROM lists.atendimentos" };
        var maiores = new DerivedViewDto("atendimentos_maiores", "SELECT id, valor FROM lists.atendimentos WHERE valor > 100");
        await PublishActiveAsync(Atendimentos(2, totalWithSum, maiores));

        Assert.Equal(["atendimentos_maiores", "atendimentos_total"], await ViewsAsync());
        Assert.Equal(["n", "soma"], await ColumnsAsync("atendimentos_total"));
        var audit = (await AuditAsync("list-views")).Last();
        Assert.Equal("atendimentos v2", audit.Target);
        Assert.Contains("\"dropped\": [\"atendimentos_por_unidade\"]", audit.Detail, StringComparison.Ordinal);

        // Going back to v1 brings its views back as they were.
        Assert.Equal(ListPublishVerdict.Published, (await Lists.ActivateAsync("atendimentos", 1, "cli:ana", default)).Verdict);
        Assert.Equal(["atendimentos_por_unidade", "atendimentos_total"], await ViewsAsync());
        Assert.Equal(["n"], await ColumnsAsync("atendimentos_total"));
    }

    [Fact]
    public async Task A_first_version_whose_view_does_not_compile_is_refused_with_no_definition_no_table_and_no_audit_row()
    {
        var broken = new DerivedViewDto("atendimentos_quebrada", "SELECT coluna_que_nao_existe FROM lists.atendimentos");

        var outcome = await Lists.PublishAsync(Atendimentos(1, broken), activate: true, "cli:ana", default);

        Assert.Equal(ListPublishVerdict.Invalid, outcome.Verdict);
        var refusal = Assert.Single(outcome.Refusals);
        Assert.Equal(PublishCodes.ViewFailed, refusal.Code);
        Assert.Contains("coluna_que_nao_existe", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM ingest.list_definitions"));
        Assert.Null(await ScalarAsync<string?>("SELECT to_regclass('lists.atendimentos')::text"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM ingest.operator_audit"));
    }

    [Fact]
    public async Task A_next_version_whose_view_does_not_compile_leaves_the_active_version_its_views_and_the_tables_columns_as_they_were()
    {
        await PublishActiveAsync(Atendimentos(1, PorUnidade));
        var v2 = Atendimentos(2, new DerivedViewDto("atendimentos_por_unidade", "SELECT unidade, count(*) AS n FROM lists.atendimentos GRUOP BY unidade")) with
        {
            Columns = [.. Atendimentos(1).Columns, new ListColumnDto("profissional", "text")],
        };

        var outcome = await Lists.PublishAsync(v2, activate: true, "cli:ana", default);

        Assert.Equal(PublishCodes.ViewFailed, Assert.Single(outcome.Refusals).Code);
        Assert.Equal([(1, true)], await QueryAsync<(int, bool)>("SELECT version, is_active FROM ingest.list_definitions ORDER BY version"));
        Assert.Equal(["site_id", "id", "unidade", "valor", "snapshot_id"], await ColumnsAsync("atendimentos"));
        Assert.Equal(["site_id", "unidade", "n"], await ColumnsAsync("atendimentos_por_unidade"));
        Assert.Empty(await AuditAsync("list-publish", "atendimentos v2"));
    }

    [Fact]
    public async Task A_view_with_a_data_modifying_with_is_refused_by_postgresql_and_the_rows_stay()
    {
        await PublishActiveAsync(Atendimentos(1));
        await InsertAsync(1, "ubs centro");
        var deleting = new DerivedViewDto("atendimentos_apagados", "WITH d AS (DELETE FROM lists.atendimentos RETURNING *) SELECT * FROM d");

        var outcome = await Lists.PublishAsync(Atendimentos(2, deleting), activate: true, "cli:ana", default);

        Assert.Equal(PublishCodes.ViewFailed, Assert.Single(outcome.Refusals).Code);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM lists.atendimentos"));
        Assert.Empty(await ViewsAsync());
    }

    [Fact]
    public async Task A_view_name_that_is_a_list_another_lists_view_or_a_table_is_refused_with_view_name_taken_and_nothing_is_stored()
    {
        await PublishActiveAsync(Atendimentos(1, PorUnidade));
        await using (var connection = await _database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("CREATE TABLE lists.tabela_do_analista (x int)");
        }

        foreach (var name in new[] { "atendimentos", "atendimentos_por_unidade", "tabela_do_analista" })
        {
            var other = new ListDefinition("consultas", 1, string.Empty, "SELECT 1 AS id", [new ListColumnDto("id", "bigint")], ["id"], Views: [new DerivedViewDto(name, "SELECT 1 AS n")]);

            var outcome = await Lists.PublishAsync(other, activate: true, "cli:ana", default);

            Assert.Equal(ListPublishVerdict.Conflict, outcome.Verdict);
            Assert.Equal(PublishCodes.ViewNameTaken, Assert.Single(outcome.Refusals).Code);
        }

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM ingest.list_definitions WHERE name = 'consultas'"));
        Assert.Null(await ScalarAsync<string?>("SELECT to_regclass('lists.consultas')::text"));
    }

    [Fact]
    public async Task A_list_named_as_another_lists_view_is_refused_with_list_name_taken()
    {
        await PublishActiveAsync(Atendimentos(1, PorUnidade));

        var outcome = await Lists.PublishAsync(
            new ListDefinition("atendimentos_por_unidade", 1, string.Empty, "SELECT 1 AS id", [new ListColumnDto("id", "bigint")], ["id"]), activate: true, "cli:ana", default);

        Assert.Equal(PublishCodes.ListNameTaken, Assert.Single(outcome.Refusals).Code);
        Assert.Equal(["site_id", "unidade", "n"], await ColumnsAsync("atendimentos_por_unidade"));
    }

    [Fact]
    public async Task A_view_reads_with_its_readers_rights_so_it_shows_no_one_a_table_they_cannot_read()
    {
        await PublishActiveAsync(Atendimentos(1, PorUnidade));
        await InsertAsync(1, "ubs centro");
        var reader = $"leitor_{Guid.NewGuid():N}"[..20];
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"CREATE ROLE {reader} NOLOGIN; GRANT USAGE ON SCHEMA lists TO {reader}; GRANT SELECT ON lists.atendimentos_por_unidade TO {reader}");
        try
        {
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await connection.ExecuteAsync($"SET LOCAL ROLE {reader}", transaction: transaction);
                var denied = await Assert.ThrowsAsync<PostgresException>(() => connection.QueryAsync<long>("SELECT n FROM lists.atendimentos_por_unidade", transaction: transaction));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
                Assert.Contains("atendimentos", denied.MessageText, StringComparison.Ordinal);
            }

            await connection.ExecuteAsync($"GRANT SELECT ON lists.atendimentos TO {reader}");
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await connection.ExecuteAsync($"SET LOCAL ROLE {reader}", transaction: transaction);
                Assert.Equal([1L], await connection.QueryAsync<long>("SELECT n FROM lists.atendimentos_por_unidade", transaction: transaction));
            }
        }
        finally
        {
            await connection.ExecuteAsync($"DROP OWNED BY {reader}; DROP ROLE {reader}");
        }
    }

    [Fact]
    public async Task A_mode_change_across_versions_is_refused_with_mode_changed_and_the_new_version_is_not_stored()
    {
        await PublishActiveAsync(Atendimentos(1));

        var outcome = await Lists.PublishAsync(Atendimentos(2) with { Mode = LoadModes.Append }, activate: true, "cli:ana", default);

        Assert.Equal(ListPublishVerdict.Conflict, outcome.Verdict);
        Assert.Equal(PublishCodes.ModeChanged, Assert.Single(outcome.Refusals).Code);
        Assert.Equal([1], await QueryAsync<int>("SELECT version FROM ingest.list_definitions"));
    }

    [Fact]
    public async Task A_cursor_column_change_across_versions_is_refused_with_cursor_column_changed()
    {
        var v1 = Atendimentos(1) with
        {
            Columns = [.. Atendimentos(1).Columns, new ListColumnDto("atualizado_em", "timestamptz"), new ListColumnDto("criado_em", "timestamptz")],
            Mode = LoadModes.Incremental,
            Incremental = new IncrementalDto("atualizado_em"),
        };
        await PublishActiveAsync(v1);

        var outcome = await Lists.PublishAsync(v1 with { Version = 2, Incremental = new IncrementalDto("criado_em") }, activate: true, "cli:ana", default);

        Assert.Equal(PublishCodes.CursorColumnChanged, Assert.Single(outcome.Refusals).Code);
        Assert.Equal("incremental", await ScalarAsync<string>("SELECT mode FROM ingest.list_definitions WHERE version = 1"));
    }

    private async Task PublishActiveAsync(ListDefinition definition)
    {
        var outcome = await Lists.PublishAsync(definition, activate: true, "cli:ana", default);
        Assert.True(outcome.Verdict == ListPublishVerdict.Published, outcome.Detail);
    }

    private async Task InsertAsync(params object[] idsAndUnits)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        for (var i = 0; i < idsAndUnits.Length; i += 2)
        {
            await connection.ExecuteAsync(
                "INSERT INTO lists.atendimentos (site_id, id, unidade, valor, snapshot_id) VALUES ('2611606', @id, @unit, 10, gen_random_uuid())",
                new { id = Convert.ToInt64(idsAndUnits[i], System.Globalization.CultureInfo.InvariantCulture), unit = (string)idsAndUnits[i + 1] });
        }
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql)];
    }

    private async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<T>(sql);
    }

    private Task<List<string>> ViewsAsync() => QueryAsync<string>("SELECT viewname::text FROM pg_views WHERE schemaname = 'lists' ORDER BY viewname");

    private async Task<List<string>> ColumnsAsync(string relation)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<string>(
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'lists' AND table_name = @relation ORDER BY ordinal_position", new { relation })];
    }

    private async Task<List<(string Actor, string Target, string Detail)>> AuditAsync(string action, string? target = null)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<(string, string, string)>(
            "SELECT actor, target, detail::text FROM ingest.operator_audit WHERE action = @action AND (@target::text IS NULL OR target = @target) ORDER BY audit_id",
            new { action, target })];
    }
}
