using PecLists.Contracts;
using PecLists.Uploader.Incremental;

namespace PecLists.Uploader.Tests.Incremental;

public sealed class IncrementalSqlTests
{
    private const string Sql = "SELECT id, nome, updated_at FROM usuarios -- a trailing comment";

    [Fact]
    public void The_changes_read_wraps_the_signed_sql_and_reads_the_bound_value_never_a_literal()
    {
        var wrapped = IncrementalSql.Since(Sql, "updated_at");

        Assert.Equal(
            "SELECT * FROM (\n" + Sql + "\n) AS s WHERE s.\"updated_at\" > current_setting('pec_uploader.since')::timestamptz OR s.\"updated_at\" IS NULL",
            wrapped);
        Assert.True(SqlStatement.IsOne(wrapped), "the wrapped SQL is still one statement");
    }

    [Fact]
    public void A_column_name_with_a_quote_stays_one_identifier()
    {
        var wrapped = IncrementalSql.Since(Sql, "odd\"name");

        Assert.Contains("s.\"odd\"\"name\" >", wrapped, StringComparison.Ordinal);
        Assert.True(SqlStatement.IsOne(wrapped));
    }

    [Fact]
    public void The_key_set_selects_only_the_key_columns_of_every_row()
    {
        var keys = IncrementalSql.KeySet(Sql, ["municipio", "id"]);

        Assert.Equal("SELECT s.\"municipio\", s.\"id\" FROM (\n" + Sql + "\n) AS s", keys);
        Assert.True(SqlStatement.IsOne(keys));
        Assert.Throws<ArgumentException>(() => IncrementalSql.KeySet(Sql, []));
    }

    [Fact]
    public void SQL_that_is_not_one_statement_stays_refused_once_wrapped()
    {
        Assert.False(SqlStatement.IsOne(IncrementalSql.Since("SELECT 1); DELETE FROM x; (SELECT 1", "c")));
    }
}
