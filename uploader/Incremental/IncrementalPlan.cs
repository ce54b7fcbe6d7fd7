using PecLists.Contracts;

namespace PecLists.Uploader.Incremental;

/// <summary>
/// What one run of an incremental list reads (ADR 0022, "the edge's cursor"): with no acknowledged cursor, the whole
/// list (a <see cref="DeliveryKinds.Snapshot"/>); else the rows whose cursor is later than the acknowledged one minus the
/// lookback window (<see cref="DeliveryKinds.Changes"/>), and also, when the last key set is <c>KeySetEveryHours</c>
/// old, the key set. The acknowledged cursor is only ever the backend's (a loaded delivery's X-Cursor): what is spooled,
/// sent but not loaded, rejected or failed never moves it.
/// </summary>
public sealed record IncrementalPlan(SourceRead Read, CursorValue? Acknowledged, bool KeySet)
{
    /// <param name="incremental">The list's cursor settings.</param>
    /// <param name="acknowledged">What the backend says it loaded for this site.</param>
    /// <param name="now">The run's time.</param>
    /// <param name="keySetSentAt">When this uploader last had a key set accepted (loaded later): a key set is not read again before it is due, even while the backend has not loaded the last one yet.</param>
    public static IncrementalPlan For(IncrementalDto incremental, ListCursorDto acknowledged, DateTimeOffset now, DateTimeOffset? keySetSentAt)
    {
        if (acknowledged.Cursor is null)
        {
            return new IncrementalPlan(SourceRead.Whole, null, false);
        }

        // Parsed strictly: a value that is not a timestamp is refused (a compromised backend's text never reaches SQL).
        var cursor = CursorValue.TryParse(acknowledged.Cursor) ?? throw new UnreadableCursorException();
        var since = cursor.Minus(TimeSpan.FromSeconds(Math.Max(0, incremental.LookbackSeconds)));
        var lastKeySet = new[] { acknowledged.KeySetAt, keySetSentAt }.Max();
        var keySetDue = incremental.KeySetEveryHours > 0
            && (lastKeySet is null || now - lastKeySet.Value >= TimeSpan.FromHours(incremental.KeySetEveryHours));
        return new IncrementalPlan(SourceRead.ChangesSince(since), cursor, keySetDue);
    }
}
