using System.Text.RegularExpressions;
using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// Checks definitions before they reach SQL: names become identifiers, types come from an allow-list, and since ADR 0022
/// the parts beyond one query must be able to work (<see cref="LoadModeRules"/>, <see cref="HttpSourceRules"/>,
/// <see cref="ColumnMaskRules"/>, <see cref="DerivedViewRules"/>). Each refusal carries its <see cref="PublishCodes"/> code.
/// </summary>
public static partial class ListDefinitionRules
{
    /// <summary>Columns every list table carries besides the list's own, and those its staging table adds (ADR 0025).</summary>
    public static readonly IReadOnlySet<string> ReservedColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "site_id", "snapshot_id", "op", "ingest_row_hash", "ingest_row_n", "ingest_op", "ingest_count", "ingest_ctid",
    };

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    public static partial Regex ListName();

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    public static partial Regex ColumnName();

    /// <summary>Every rule <paramref name="definition"/> breaks, each with its code; empty when it may be published.</summary>
    public static IReadOnlyList<ListRefusal> Check(ListDefinition definition)
    {
        var refusals = new List<ListRefusal>();
        if (definition.Name is null || !ListName().IsMatch(definition.Name))
        {
            refusals.Add(new(PublishCodes.ListNameInvalid, $"list name '{definition.Name}' must match {ListName()}"));
        }

        if (definition.Version < 1)
        {
            refusals.Add(new(PublishCodes.VersionInvalid, "version must be >= 1"));
        }

        if (SourceKinds.Of(definition.ToDto()) == SourceKinds.Postgres)
        {
            CheckSql(definition.Sql, refusals);
        }

        CheckColumns(definition, refusals);
        CheckKey(definition, refusals);
        LoadModeRules.Check(definition, refusals);
        HttpSourceRules.Check(definition, refusals);
        ColumnMaskRules.Check(definition, refusals);
        DerivedViewRules.Check(definition, refusals);
        return refusals;
    }

    /// <summary>The messages of <see cref="Check"/> alone (no codes).</summary>
    public static IReadOnlyList<string> Validate(ListDefinition definition) => [.. Check(definition).Select(r => r.Message)];

    /// <summary>
    /// The definition as it is signed, stored and served (call after <see cref="Check"/>): every column type in its
    /// canonical spelling, and the defaults left unsaid (<c>"mode": "snapshot"</c>, <c>"source": {"kind": "postgres"}</c>
    /// and <c>"views": []</c> are served as absent), so the v3 signature <c>lists sign</c> makes over this form is the one
    /// the catalog serves, and two spellings of one definition are one content.
    /// </summary>
    public static ListDefinition Normalize(ListDefinition definition) => definition with
    {
        Columns = [.. definition.Columns.Select(c => c with { Type = ColumnTypes.Normalize(c.Type) ?? c.Type })],
        Mode = definition.Mode == LoadModes.Snapshot ? null : definition.Mode,
        Source = definition.Source?.Kind == SourceKinds.Postgres ? null : definition.Source,
        Views = definition.Views is { Count: 0 } ? null : definition.Views,
    };

    /// <summary>The CSV header row COPY writes for this list (no quoting: names are plain identifiers).</summary>
    public static string ExpectedHeader(ListDefinition definition) => string.Join(',', definition.ColumnNames);

    private static void CheckSql(string? sql, List<ListRefusal> refusals)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            refusals.Add(new(PublishCodes.SqlRequired, "sql is empty: a list over the site's PostgreSQL needs its query (an HTTP list says \"source\": {\"kind\": \"http\", …})"));
        }
        else if (sql.TrimEnd().EndsWith(';'))
        {
            refusals.Add(new(PublishCodes.SqlNotOneStatement, "sql must not end with ';' (it runs inside COPY (...) TO STDOUT)"));
        }
        else if (!SqlStatement.IsOne(sql))
        {
            // Uploaders refuse such a definition anyway (definition-not-one-statement): refuse it before it is stored.
            refusals.Add(new(PublishCodes.SqlNotOneStatement, "sql must be one statement: no ';' and no unbalanced parenthesis outside strings and comments (it runs inside COPY (...) TO STDOUT)"));
        }
    }

    private static void CheckColumns(ListDefinition definition, List<ListRefusal> refusals)
    {
        if (definition.Columns.Count == 0)
        {
            refusals.Add(new(PublishCodes.ColumnsRequired, "no columns"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in definition.Columns)
        {
            if (column?.Name is null || !ColumnName().IsMatch(column.Name))
            {
                refusals.Add(new(PublishCodes.ColumnNameInvalid, $"column name '{column?.Name}' must match {ColumnName()}"));
                continue;
            }

            if (ReservedColumns.Contains(column.Name))
            {
                refusals.Add(new(PublishCodes.ColumnNameInvalid, $"column name '{column.Name}' is reserved"));
            }

            if (!seen.Add(column.Name))
            {
                refusals.Add(new(PublishCodes.ColumnNameInvalid, $"column '{column.Name}' appears twice"));
            }

            if (ColumnTypes.Normalize(column.Type) is null)
            {
                refusals.Add(new(
                    PublishCodes.ColumnTypeUnknown,
                    $"column '{column.Name}' has type '{column.Type}', allowed: {string.Join(", ", ColumnTypes.Allowed)} (or a name PostgreSQL gives them, such as int4 or character varying(n))"));
            }
        }
    }

    private static void CheckKey(ListDefinition definition, List<ListRefusal> refusals)
    {
        var columns = definition.Columns.Where(c => c?.Name is not null).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

        // An empty key is a keyless list (rows compared whole); a key column must be compared, or its rows could never match.
        foreach (var keyColumn in definition.Key.Where(k => k is null || !columns.Contains(k)))
        {
            refusals.Add(new(PublishCodes.KeyInvalid, $"key column '{keyColumn}' is not a column"));
        }

        if (definition.Key.Count != definition.Key.Distinct(StringComparer.Ordinal).Count())
        {
            refusals.Add(new(PublishCodes.KeyInvalid, "a key column appears twice"));
        }

        foreach (var column in definition.Columns.Where(c => c is { Compare: false } && definition.Key.Contains(c.Name)))
        {
            refusals.Add(new(PublishCodes.KeyInvalid, $"key column '{column.Name}' cannot be \"compare\": false"));
        }

        if (definition.Columns.Count > 0 && definition.Columns.All(c => c is { Compare: false }))
        {
            refusals.Add(new(PublishCodes.KeyInvalid, "every column is \"compare\": false; at least one column must be compared"));
        }
    }
}
