namespace PecLists.Contracts;

/// <summary>
/// What a load did to the site's rows of a list (for a held snapshot: what applying it would do). <c>Before</c> and
/// <c>After</c> are the site's row counts around it, so each load shows its change against the previous one.
/// </summary>
public sealed record SnapshotRowCounts(long Inserted, long Updated, long Deleted, long Unchanged)
{
    public long Before => Updated + Deleted + Unchanged;

    public long After => Inserted + Updated + Unchanged;
}
