namespace PecLists.Uploader.Incremental;

/// <summary>
/// The SQL of an incremental list's reads, built around its signed SQL (which stays one statement, so the wrapped text
/// is one too: <see cref="Contracts.SqlStatement"/>). The cursor's value never enters the SQL text: COPY takes no bind
/// parameters (PostgreSQL's COPY runs a query given as text, and Npgsql sends COPY over the simple protocol), so the
/// value goes in as a bind parameter of <c>set_config</c>, a setting local to the read's transaction, which the query
/// reads with <c>current_setting</c>. set_config exists in every PostgreSQL the uploader supports (9.6 on), is allowed in
/// a read-only transaction, and current_setting is stable, so the comparison is evaluated once, can use an index on the
/// column, and is pushed down into the list's query like a constant. The value is also parsed and re-formatted strictly
/// (<see cref="CursorValue"/>) before it is bound: hostile text from a compromised backend is refused, never run.
/// </summary>
public static class IncrementalSql
{
    /// <summary>The transaction-local setting that holds the lower bound of a changes read (a custom, dotted name).</summary>
    public const string SinceSetting = "pec_uploader.since";

    /// <summary>
    /// Rows whose cursor is later than the setting <see cref="SinceSetting"/>, and every row whose cursor is NULL: such a
    /// row can never be ordered by the cursor, so it is read in order to be refused (<see cref="CursorScan"/>), never
    /// silently skipped.
    /// </summary>
    public static string Since(string sql, string cursorColumn) =>
        $"SELECT * FROM (\n{sql}\n) AS s WHERE s.{Identifier(cursorColumn)} > current_setting('{SinceSetting}')::timestamptz OR s.{Identifier(cursorColumn)} IS NULL";

    /// <summary>Only the key columns of every row the list's SQL returns (a key-set delivery: hard deletes at the source).</summary>
    public static string KeySet(string sql, IReadOnlyList<string> key)
    {
        if (key.Count == 0)
        {
            throw new ArgumentException("A key set needs a key.", nameof(key));
        }

        return $"SELECT {string.Join(", ", key.Select(k => "s." + Identifier(k)))} FROM (\n{sql}\n) AS s";
    }

    /// <summary>A quoted identifier: the column's name exactly as the list declares it, a '"' in it doubled.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
