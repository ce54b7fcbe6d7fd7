using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public sealed class SqlStatementTests
{
    private static string ListsDirectory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "lists")))
            {
                directory = directory.Parent;
            }

            return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("lists/"), "lists");
        }
    }

    public static TheoryData<string> ShippedLists() => [.. Directory.GetFiles(ListsDirectory, "*.sql").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(ShippedLists))]
    public void Every_shipped_list_is_one_statement(string file) =>
        Assert.True(SqlStatement.IsOne(File.ReadAllText(Path.Combine(ListsDirectory, file))));

    [Theory]
    [InlineData("SELECT 1 AS id")]
    [InlineData("SELECT ';' AS a, ')' AS b")]
    [InlineData("SELECT 'it''s; fine' AS a")]
    [InlineData("SELECT \"odd;name)\" FROM t")]
    [InlineData("SELECT E'\\'; not a statement' AS a")] // \' escapes the quote in an E'' string
    [InlineData("SELECT e'a\\\\' AS a, ';' AS b")]
    [InlineData("SELECT $$ ; ) $$ AS a")]
    [InlineData("SELECT $body$ $$ ; $body$ AS a")]
    [InlineData("SELECT a$b$ FROM t")] // an identifier may hold '$'
    [InlineData("SELECT 1 -- ; ) trailing comment")]
    [InlineData("SELECT 1 -- ;\r\n, 2")]
    [InlineData("/* ; /* nested ) */ ; */ SELECT (1 + (2)) AS a")]
    [InlineData("SELECT 1.5e-3, 2e, x FROM t")]
    [InlineData("SELECT U&'d\\0061t;a' AS a")]
    public void One_statement_is_accepted(string sql) => Assert.True(SqlStatement.IsOne(sql));

    [Theory]
    [InlineData("SELECT 1) TO STDOUT; COMMIT; INSERT INTO scratch VALUES (1); COPY (SELECT 1")]
    [InlineData("SELECT 1; SELECT 2")]
    [InlineData("SELECT 1;")]
    [InlineData("SELECT 1)")] // would close the COPY wrapper
    [InlineData("SELECT 1) TO '/tmp/x' --")]
    [InlineData("SELECT (1")]
    [InlineData("SELECT 'unterminated")]
    [InlineData("SELECT 1 /* unterminated /* nested */")]
    [InlineData("SELECT $a$ unterminated $b$")]
    [InlineData("SELECT \"unterminated")]
    [InlineData("SELECT E'unterminated\\'")]
    [InlineData("SELECT '\\'; DELETE FROM t; --'")] // standard_conforming_strings on: the backslash is a character
    [InlineData("SELECT 1$$ $$; DELETE FROM t; -- $$")] // a number never takes the '$' that follows it
    [InlineData("SELECT 1 +--x\n; DELETE FROM t")]
    [InlineData("SELECT 1 +/* x */; DELETE FROM t")]
    public void More_than_one_statement_or_a_broken_one_is_refused(string sql) => Assert.False(SqlStatement.IsOne(sql));
}
