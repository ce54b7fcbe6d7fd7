using PecLists.Contracts;
using PecLists.Functions.Commands;
using PecLists.Functions.Lists;
using LocalInfra;

namespace PecLists.Functions.Tests.Lists;

public sealed class ListDefinitionRulesTests
{
    private static ListDefinition Valid() => new("teste", 1, "", "SELECT 1 AS id", [new ListColumnDto("id", "bigint")], ["id"]);

    public static TheoryData<string> ListFiles() => [.. Directory.GetFiles(RepoPaths.ListsDirectory, "*.json")];

    [Theory]
    [MemberData(nameof(ListFiles))]
    public void The_shipped_lists_are_valid(string file)
    {
        var list = ListDefinitionFile.Read(file);

        Assert.Empty(ListDefinitionRules.Validate(list));
        Assert.False(list.Sql.TrimEnd().EndsWith(';'));
    }

    [Fact]
    public void A_valid_definition_has_no_errors() => Assert.Empty(ListDefinitionRules.Validate(Valid()));

    [Theory]
    [InlineData("teste; DROP TABLE x")]
    [InlineData("../etc")]
    [InlineData("Teste")]
    [InlineData("")]
    public void Rejects_list_names_that_are_not_plain_identifiers(string name) =>
        Assert.NotEmpty(ListDefinitionRules.Validate(Valid() with { Name = name }));

    [Theory]
    [InlineData("id\" text, evil \"x", "bigint")]
    [InlineData("site_id", "text")]
    [InlineData("valor", "text; DROP TABLE x")]
    [InlineData("valor", "json")]
    public void Rejects_unsafe_columns_and_types(string column, string type) =>
        Assert.NotEmpty(ListDefinitionRules.Validate(Valid() with { Columns = [new ListColumnDto("id", "bigint"), new ListColumnDto(column, type)] }));

    [Fact]
    public void Rejects_a_key_that_is_not_a_column() =>
        Assert.Contains("key column 'x' is not a column", ListDefinitionRules.Validate(Valid() with { Key = ["x"] }));

    [Theory]
    [InlineData("SELECT 1 AS id) TO STDOUT; COMMIT; INSERT INTO x VALUES (1); COPY (SELECT 1 AS id")]
    [InlineData("SELECT 1 AS id; SELECT 2")]
    [InlineData("SELECT 1 AS id)")]
    public void Rejects_sql_that_is_more_than_one_statement(string sql) =>
        Assert.Contains(
            "sql must be one statement: no ';' and no unbalanced parenthesis outside strings and comments (it runs inside COPY (...) TO STDOUT)",
            ListDefinitionRules.Validate(Valid() with { Sql = sql }));

    [Fact]
    public void Rejects_sql_ending_with_a_semicolon() =>
        Assert.NotEmpty(ListDefinitionRules.Validate(Valid() with { Sql = "SELECT 1 AS id;" }));

    [Fact]
    public void The_typed_table_is_keyed_by_site_and_the_list_key_with_lineage()
    {
        var sql = ListPublisher.CreateTableSql(Valid() with { Columns = [new ListColumnDto("id", "bigint"), new ListColumnDto("nome", "text")] });

        Assert.Contains("site_id text NOT NULL", sql, StringComparison.Ordinal);
        Assert.Contains("\"nome\" text", sql, StringComparison.Ordinal);
        Assert.Contains("snapshot_id uuid NOT NULL", sql, StringComparison.Ordinal);
        Assert.Contains("PRIMARY KEY (site_id, \"id\")", sql, StringComparison.Ordinal);
        Assert.EndsWith(") WITH (fillfactor = 90)", sql, StringComparison.Ordinal); // room for HOT updates (issue 25)
    }
}
