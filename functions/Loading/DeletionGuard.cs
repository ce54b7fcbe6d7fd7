using System.Globalization;
using PecLists.Contracts;

namespace PecLists.Functions.Loading;

/// <summary>
/// The mass-deletion guard (docs/design.md §5): a snapshot that is empty while the site has rows, or would delete more
/// than the configured share of them, is held for an operator instead of applied. A PEC database mid-restore or the
/// wrong database found must not wipe a site's list.
/// </summary>
public static class DeletionGuard
{
    /// <summary>Why the planned change must wait for an operator, or null when it may be applied.</summary>
    public static LoadHold? Check(SnapshotRowCounts planned, LoadOptions options)
    {
        var before = planned.Before;
        if (before == 0 || planned.Deleted == 0)
        {
            return null;
        }

        if (planned.After == 0)
        {
            return new LoadHold(
                SnapshotErrorCodes.EmptySnapshot,
                $"The snapshot has no rows while the site has {before} (a PEC database being restored, or the wrong database?). " +
                "It was not applied: check the site's PEC, then an operator applies or drops it.");
        }

        var share = (double)planned.Deleted / before;
        if (before >= options.HoldMinimumRows && share > options.HoldWhenDeletingShare)
        {
            return new LoadHold(
                SnapshotErrorCodes.MassDeletion,
                string.Create(CultureInfo.InvariantCulture, $"Applying it would delete {planned.Deleted} of the site's {before} rows ({share:P0}), more than the {options.HoldWhenDeletingShare:P0} allowed. ") +
                "It was not applied: check the site's PEC, then an operator applies or drops it.");
        }

        return null;
    }
}
