using System.Globalization;
using PecLists.Contracts;

namespace PecLists.Functions.Loading;

/// <summary>
/// The mass-deletion guard (docs/design.md §5): a snapshot that is empty while the site has rows, or would delete more
/// than the configured share of them, is held for an operator instead of applied. A PEC database mid-restore or the
/// wrong database found must not wipe a site's list. The share is judged against the site's rows now and against the
/// most it had in the window before (<see cref="LoadOptions.HoldWindowDays"/>), so a list lost a little every day is
/// held too once the losses add up past the share.
/// </summary>
public static class DeletionGuard
{
    /// <summary>Why the planned change must wait for an operator, or null when it may be applied.</summary>
    /// <param name="planned">What applying the snapshot would do to the site's rows as they are.</param>
    /// <param name="windowMaxRows">The most rows a snapshot of the pair loaded within the window had, or null when none did.</param>
    /// <param name="options">The guard's settings.</param>
    public static LoadHold? Check(SnapshotRowCounts planned, long? windowMaxRows, LoadOptions options)
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

        if (windowMaxRows is { } most && most > before && most >= options.HoldMinimumRows)
        {
            var lost = (double)(most - planned.After) / most;
            if (lost > options.HoldWhenDeletingShare)
            {
                return new LoadHold(
                    SnapshotErrorCodes.MassDeletion,
                    string.Create(CultureInfo.InvariantCulture, $"Applying it would leave {planned.After} rows where the site had {most} in the last {options.HoldWindowDays} days ({lost:P0} fewer, more than the {options.HoldWhenDeletingShare:P0} allowed; {planned.Deleted} deleted now). ") +
                    "It was not applied: check the site's PEC, then an operator applies or drops it.");
            }
        }

        return null;
    }
}
