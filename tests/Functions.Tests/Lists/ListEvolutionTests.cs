using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Tests.Lists;

public sealed class ListEvolutionTests
{
    private static readonly ListDefinition V1 = new(
        "teste", 1, "", "SELECT 1", [new ListColumnDto("id", "bigint"), new ListColumnDto("nome", "text")], ["id"]);

    [Fact]
    public void Adding_reordering_and_uncomparing_columns_is_allowed()
    {
        var v2 = V1 with
        {
            Version = 2,
            Sql = "SELECT 2",
            Columns = [new ListColumnDto("nome", "text", Compare: false), new ListColumnDto("id", "bigint"), new ListColumnDto("idade", "integer")],
        };

        Assert.Empty(ListEvolution.Check([V1], v2));
    }

    [Fact]
    public void Republishing_the_same_version_unchanged_is_a_repeat() =>
        Assert.Empty(ListEvolution.Check([V1], V1 with { Description = "another description" }));

    [Fact]
    public void A_stored_version_never_changes_content()
    {
        var refusal = Assert.Single(ListEvolution.Check([V1], V1 with { Sql = "SELECT 'other'" }));
        var problem = refusal.Message;

        Assert.Equal(PublishCodes.VersionContentChanged, refusal.Code);

        Assert.Contains("version 1 is already published with other content", problem, StringComparison.Ordinal);
        Assert.Contains("publish it as version 2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_change_is_refused_with_the_way_forward()
    {
        var refusal = Assert.Single(ListEvolution.Check([V1], V1 with { Version = 2, Key = ["id", "nome"] }));
        var problem = refusal.Message;

        Assert.Equal(PublishCodes.KeyChanged, refusal.Code);

        Assert.Contains("changes the key from (id) to (id, nome)", problem, StringComparison.Ordinal);
        Assert.Contains("new list name (e.g. teste_v2)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Becoming_keyless_is_a_key_change() =>
        Assert.Contains("to none (keyless)", Assert.Single(ListEvolution.Check([V1], V1 with { Version = 2, Key = [] })).Message, StringComparison.Ordinal);

    [Fact]
    public void A_type_change_is_refused_even_for_a_column_an_intermediate_version_dropped()
    {
        var v2 = V1 with { Version = 2, Columns = [new ListColumnDto("id", "bigint")] };
        var v3 = V1 with { Version = 3, Columns = [new ListColumnDto("id", "bigint"), new ListColumnDto("nome", "varchar(40)")] };

        var refusal = Assert.Single(ListEvolution.Check([V1, v2], v3));

        Assert.Equal(PublishCodes.ColumnTypeChanged, refusal.Code);
        Assert.Contains("column 'nome' changes type from text to varchar(40)", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_version_has_nothing_to_conflict_with() =>
        Assert.Empty(ListEvolution.Check([], V1 with { Key = [] }));

    private static readonly ListDefinition Incremental = V1 with
    {
        Columns = [.. V1.Columns, new ListColumnDto("atualizado_em", "timestamptz"), new ListColumnDto("alterado_em", "timestamptz")],
        Mode = LoadModes.Incremental,
        Incremental = new IncrementalDto("atualizado_em"),
    };

    [Fact]
    public void A_mode_change_is_refused_with_the_way_forward()
    {
        var refusal = Assert.Single(ListEvolution.Check([V1], V1 with { Version = 2, Mode = LoadModes.Append }));

        Assert.Equal(PublishCodes.ModeChanged, refusal.Code);
        Assert.Contains("changes the mode from snapshot to append", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("new list name (e.g. teste_v2)", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cursor_column_change_is_refused() =>
        Assert.Equal(
            PublishCodes.CursorColumnChanged,
            Assert.Single(ListEvolution.Check([Incremental], Incremental with { Version = 2, Incremental = new IncrementalDto("alterado_em") })).Code);

    [Fact]
    public void The_lookback_masks_schedule_and_views_may_change_between_versions() =>
        Assert.Empty(ListEvolution.Check([Incremental], Incremental with
        {
            Version = 2,
            Incremental = new IncrementalDto("atualizado_em", LookbackSeconds: 900),
            Columns = [.. Incremental.Columns.Select(c => c.Name == "nome" ? c with { Mask = new ColumnMaskDto(MaskKinds.Redact) } : c)],
            Schedule = new ScheduleDto(5),
            Views = [new DerivedViewDto("teste_resumo", "SELECT count(*) AS n FROM lists.teste")],
        }));

    [Fact]
    public void A_stored_version_republished_with_another_view_is_other_content() =>
        Assert.Equal(
            PublishCodes.VersionContentChanged,
            Assert.Single(ListEvolution.Check([V1], V1 with { Views = [new DerivedViewDto("teste_resumo", "SELECT 1 AS n")] })).Code);
}
