using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Tests.Lists;

public sealed class ColumnTypesTests
{
    [Theory]
    [InlineData("int4", "integer")]
    [InlineData("INT", "integer")]
    [InlineData("int8", "bigint")]
    [InlineData("int2", "smallint")]
    [InlineData("bool", "boolean")]
    [InlineData("float8", "double precision")]
    [InlineData("float", "double precision")]
    [InlineData("float4", "real")]
    [InlineData("varchar(50)", "varchar(50)")]
    [InlineData("character varying(200)", "varchar(200)")]
    [InlineData("Character  Varying ( 15 )", "varchar(15)")]
    [InlineData("varchar", "text")]
    [InlineData("char(11)", "char(11)")]
    [InlineData("character(2)", "char(2)")]
    [InlineData("numeric(6,3)", "numeric(6,3)")]
    [InlineData("decimal(5)", "numeric(5,0)")]
    [InlineData("decimal", "numeric")]
    [InlineData("timestamp with time zone", "timestamptz")]
    [InlineData("timestamp without time zone", "timestamp")]
    [InlineData("timestamptz", "timestamptz")]
    [InlineData(" date ", "date")]
    public void Names_PostgreSQL_accepts_are_normalised(string given, string canonical) =>
        Assert.Equal(canonical, ColumnTypes.Normalize(given));

    [Theory]
    [InlineData("json")]
    [InlineData("text; DROP TABLE x")]
    [InlineData("varchar(0)")]
    [InlineData("varchar(50) NOT NULL")]
    [InlineData("numeric(3,4)")]
    [InlineData("numeric(1001,0)")]
    [InlineData("int4[]")]
    [InlineData("varchar(5,2)")]
    [InlineData("serial")]
    [InlineData("")]
    public void Anything_else_is_refused(string type) => Assert.Null(ColumnTypes.Normalize(type));

    [Fact]
    public void The_refusal_names_the_column_the_type_and_what_is_allowed()
    {
        var list = new ListDefinition("teste", 1, "", "SELECT 1", [new ListColumnDto("id", "bigint"), new ListColumnDto("dados", "jsonb")], ["id"]);

        var error = Assert.Single(ListDefinitionRules.Validate(list));

        Assert.StartsWith("column 'dados' has type 'jsonb', allowed: text, varchar(n)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_definition_is_stored_with_canonical_types()
    {
        var list = new ListDefinition("teste", 1, "", "SELECT 1", [new ListColumnDto("id", "int8"), new ListColumnDto("nome", "character varying(80)", Compare: false)], ["id"]);

        var normalised = ListDefinitionRules.Normalize(list);

        Assert.Equal([new ListColumnDto("id", "bigint"), new ListColumnDto("nome", "varchar(80)", false)], normalised.Columns);
    }
}
