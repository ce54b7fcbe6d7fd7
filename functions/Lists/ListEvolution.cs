using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// What a new version of a list may change, given the versions already stored. One table serves every version
/// (columns are only ever added), and queued or replayed snapshots load with the version they were checked against,
/// so: a stored version never changes content; the key never changes; a column keeps its type; and (ADR 0022) the mode
/// and an incremental list's cursor column never change, since the central rows and the acknowledged cursors of every
/// site mean what the first version said. Columns may be added, dropped from the output, reordered, and switched
/// between compared and not compared; the source, masks, schedule and views may change.
/// </summary>
public static class ListEvolution
{
    /// <summary>Why <paramref name="candidate"/> (normalised) cannot be published next to <paramref name="stored"/> (empty: it can).</summary>
    public static IReadOnlyList<ListRefusal> Check(IReadOnlyList<ListDefinition> stored, ListDefinition candidate)
    {
        var refusals = new List<ListRefusal>();
        if (stored.FirstOrDefault(v => v.Version == candidate.Version) is { } same && !SameContent(same, candidate))
        {
            refusals.Add(new(
                PublishCodes.VersionContentChanged,
                $"version {candidate.Version} is already published with other content (snapshots may have been checked against it); publish it as version {stored.Max(v => v.Version) + 1}"));
        }

        if (stored.Count == 0)
        {
            return refusals;
        }

        var latest = stored.MaxBy(v => v.Version)!;
        var newName = $"publish it under a new list name (e.g. {candidate.Name}_v2), move the sites to it, then stop publishing the old one";
        if (!latest.Key.SequenceEqual(candidate.Key, StringComparer.Ordinal))
        {
            refusals.Add(new(
                PublishCodes.KeyChanged,
                $"it changes the key from {Describe(latest.Key)} to {Describe(candidate.Key)}, but every version of a list shares one table keyed the same way; to re-key, {newName}"));
        }

        if (latest.LoadMode != candidate.LoadMode)
        {
            refusals.Add(new(
                PublishCodes.ModeChanged,
                $"it changes the mode from {latest.LoadMode} to {candidate.LoadMode}, but the central table holds what the earlier versions' deliveries made of it; to change the mode, {newName}"));
        }
        else if (latest.Incremental?.CursorColumn is { } cursor && candidate.Incremental?.CursorColumn is { } next && cursor != next)
        {
            refusals.Add(new(
                PublishCodes.CursorColumnChanged,
                $"it changes the cursor column from {cursor} to {next}, but every site's acknowledged cursor is a value of {cursor}; to change it, {newName}"));
        }

        foreach (var column in candidate.Columns)
        {
            var earlier = stored.SelectMany(v => v.Columns).FirstOrDefault(c => c.Name == column.Name && c.Type != column.Type);
            if (earlier is not null)
            {
                refusals.Add(new(
                    PublishCodes.ColumnTypeChanged,
                    $"column '{column.Name}' changes type from {earlier.Type} to {column.Type}, but the table's column keeps its type; " +
                    $"output the value under a new column name, or publish the list under a new name"));
            }
        }

        return refusals;
    }

    /// <summary>Every field the v3 signature covers (the signatures and signing time aside) is the same.</summary>
    private static bool SameContent(ListDefinition a, ListDefinition b) =>
        ListDefinitionSignature.CanonicalBytesV3(a.ToDto(), DateTimeOffset.UnixEpoch).AsSpan()
            .SequenceEqual(ListDefinitionSignature.CanonicalBytesV3(b.ToDto(), DateTimeOffset.UnixEpoch));

    private static string Describe(IReadOnlyList<string> key) => key.Count == 0 ? "none (keyless)" : $"({string.Join(", ", key)})";
}
