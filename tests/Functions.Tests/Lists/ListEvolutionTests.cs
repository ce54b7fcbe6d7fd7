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
        var problem = Assert.Single(ListEvolution.Check([V1], V1 with { Sql = "SELECT 'other'" }));

        Assert.Contains("version 1 is already published with other content", problem, StringComparison.Ordinal);
        Assert.Contains("publish it as version 2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_change_is_refused_with_the_way_forward()
    {
        var problem = Assert.Single(ListEvolution.Check([V1], V1 with { Version = 2, Key = ["id", "nome"] }));

        Assert.Contains("changes the key from (id) to (id, nome)", problem, StringComparison.Ordinal);
        Assert.Contains("new list name (e.g. teste_v2)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Becoming_keyless_is_a_key_change() =>
        Assert.Contains("to none (keyless)", Assert.Single(ListEvolution.Check([V1], V1 with { Version = 2, Key = [] })), StringComparison.Ordinal);

    [Fact]
    public void A_type_change_is_refused_even_for_a_column_an_intermediate_version_dropped()
    {
        var v2 = V1 with { Version = 2, Columns = [new ListColumnDto("id", "bigint")] };
        var v3 = V1 with { Version = 3, Columns = [new ListColumnDto("id", "bigint"), new ListColumnDto("nome", "varchar(40)")] };

        var problem = Assert.Single(ListEvolution.Check([V1, v2], v3));

        Assert.Contains("column 'nome' changes type from text to varchar(40)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_version_has_nothing_to_conflict_with() =>
        Assert.Empty(ListEvolution.Check([], V1 with { Key = [] }));
}
