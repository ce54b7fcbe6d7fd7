namespace PecLists.Functions.Lists;

/// <summary>
/// What a new version of a list may change, given the versions already stored. One table serves every version
/// (columns are only ever added), and queued or replayed snapshots load with the version they were checked against,
/// so: a stored version never changes content; the key never changes; a column keeps its type. Columns may be added,
/// dropped from the output, reordered, and switched between compared and not compared.
/// </summary>
public static class ListEvolution
{
    /// <summary>Why <paramref name="candidate"/> cannot be published next to <paramref name="stored"/> (empty: it can).</summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<ListDefinition> stored, ListDefinition candidate)
    {
        var problems = new List<string>();
        if (stored.FirstOrDefault(v => v.Version == candidate.Version) is { } same && !SameContent(same, candidate))
        {
            problems.Add($"version {candidate.Version} is already published with other content (snapshots may have been checked against it); publish it as version {stored.Max(v => v.Version) + 1}");
        }

        if (stored.Count > 0 && !stored[^1].Key.SequenceEqual(candidate.Key, StringComparer.Ordinal))
        {
            problems.Add(
                $"it changes the key from {Describe(stored[^1].Key)} to {Describe(candidate.Key)}, but every version of a list shares one table keyed the same way; " +
                $"to re-key, publish it under a new list name (e.g. {candidate.Name}_v2), move the sites to it, then stop publishing the old one");
        }

        foreach (var column in candidate.Columns)
        {
            var earlier = stored.SelectMany(v => v.Columns).FirstOrDefault(c => c.Name == column.Name && c.Type != column.Type);
            if (earlier is not null)
            {
                problems.Add(
                    $"column '{column.Name}' changes type from {earlier.Type} to {column.Type}, but the table's column keeps its type; " +
                    $"output the value under a new column name, or publish the list under a new name");
            }
        }

        return problems;
    }

    private static bool SameContent(ListDefinition a, ListDefinition b) =>
        a.Sql == b.Sql && a.Key.SequenceEqual(b.Key, StringComparer.Ordinal) && a.Columns.SequenceEqual(b.Columns);

    private static string Describe(IReadOnlyList<string> key) => key.Count == 0 ? "none (keyless)" : $"({string.Join(", ", key)})";
}
