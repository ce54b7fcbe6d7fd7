using System.Text.RegularExpressions;

namespace PecLists.Functions.Lists;

/// <summary>Checks definitions before they reach SQL: names become identifiers, types come from an allow-list.</summary>
public static partial class ListDefinitionRules
{
    /// <summary>PostgreSQL types a list column may have (what PEC lists produce).</summary>
    public static readonly IReadOnlySet<string> AllowedTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "text", "smallint", "integer", "bigint", "boolean", "date", "timestamp", "timestamptz", "numeric", "double precision",
    };

    /// <summary>Columns every list table carries besides the list's own.</summary>
    public static readonly IReadOnlySet<string> ReservedColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "site_id", "snapshot_id", "op",
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

            if (!AllowedTypes.Contains(column.Type))
            {
                errors.Add($"column '{column.Name}' has type '{column.Type}', allowed: {string.Join(", ", AllowedTypes)}");
            }
        }

        if (definition.Key.Count == 0)
        {
            errors.Add("key is empty");
        }

        foreach (var keyColumn in definition.Key.Where(k => !seen.Contains(k)))
        {
            errors.Add($"key column '{keyColumn}' is not a column");
        }

        return errors;
    }

    /// <summary>The CSV header row COPY writes for this list (no quoting: names are plain identifiers).</summary>
    public static string ExpectedHeader(ListDefinition definition) => string.Join(',', definition.ColumnNames);
}
