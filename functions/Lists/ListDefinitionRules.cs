using System.Text.RegularExpressions;
using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>Checks definitions before they reach SQL: names become identifiers, types come from an allow-list.</summary>
public static partial class ListDefinitionRules
{
    /// <summary>Columns every list table carries besides the list's own.</summary>
    public static readonly IReadOnlySet<string> ReservedColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "site_id", "snapshot_id", "op", "ingest_row_hash", "ingest_row_n",
    };

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    public static partial Regex ListName();

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    public static partial Regex ColumnName();

    public static IReadOnlyList<string> Validate(ListDefinition definition)
    {
        var errors = new List<string>();
        if (!ListName().IsMatch(definition.Name))
        {
            errors.Add($"list name '{definition.Name}' must match {ListName()}");
        }

        if (definition.Version < 1)
        {
            errors.Add("version must be >= 1");
        }

        if (string.IsNullOrWhiteSpace(definition.Sql))
        {
            errors.Add("sql is empty");
        }
        else if (definition.Sql.TrimEnd().EndsWith(';'))
        {
            errors.Add("sql must not end with ';' (it runs inside COPY (...) TO STDOUT)");
        }
        else if (!SqlStatement.IsOne(definition.Sql))
        {
            // Uploaders refuse such a definition anyway (definition-not-one-statement): refuse it before it is stored.
            errors.Add("sql must be one statement: no ';' and no unbalanced parenthesis outside strings and comments (it runs inside COPY (...) TO STDOUT)");
        }

        if (definition.Columns.Count == 0)
        {
            errors.Add("no columns");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in definition.Columns)
        {
            if (!ColumnName().IsMatch(column.Name))
            {
                errors.Add($"column name '{column.Name}' must match {ColumnName()}");
            }

            if (ReservedColumns.Contains(column.Name))
            {
                errors.Add($"column name '{column.Name}' is reserved");
            }

            if (!seen.Add(column.Name))
            {
                errors.Add($"column '{column.Name}' appears twice");
            }

            if (ColumnTypes.Normalize(column.Type) is null)
            {
                errors.Add($"column '{column.Name}' has type '{column.Type}', allowed: {string.Join(", ", ColumnTypes.Allowed)} (or a name PostgreSQL gives them, such as int4 or character varying(n))");
            }
        }

        // An empty key is a keyless list (rows compared whole); a key column must be compared, or its rows could never match.
        foreach (var keyColumn in definition.Key.Where(k => !seen.Contains(k)))
        {
            errors.Add($"key column '{keyColumn}' is not a column");
        }

        if (definition.Key.Count != definition.Key.Distinct(StringComparer.Ordinal).Count())
        {
            errors.Add("a key column appears twice");
        }

        foreach (var column in definition.Columns.Where(c => !c.Compare && definition.Key.Contains(c.Name)))
        {
            errors.Add($"key column '{column.Name}' cannot be \"compare\": false");
        }

        if (definition.Columns.Count > 0 && definition.Columns.All(c => !c.Compare))
        {
            errors.Add("every column is \"compare\": false; at least one column must be compared");
        }

        return errors;
    }

    /// <summary>The definition with every column type in its canonical spelling (call after <see cref="Validate"/>).</summary>
    public static ListDefinition Normalize(ListDefinition definition) => definition with
    {
        Columns = [.. definition.Columns.Select(c => c with { Type = ColumnTypes.Normalize(c.Type) ?? c.Type })],
    };

    /// <summary>The CSV header row COPY writes for this list (no quoting: names are plain identifiers).</summary>
    public static string ExpectedHeader(ListDefinition definition) => string.Join(',', definition.ColumnNames);
}
