using PecLists.Contracts;

namespace PecLists.Uploader.Incremental;

/// <summary>
/// What one read of an incremental list takes (<see cref="DeliveryKinds"/>): the whole list (<see cref="DeliveryKinds.Snapshot"/>),
/// the rows whose cursor is later than <see cref="Since"/> (<see cref="DeliveryKinds.Changes"/>), or the key columns of
/// every row (<see cref="DeliveryKinds.KeySet"/>).
/// </summary>
public sealed record SourceRead(string Kind, CursorValue? Since = null)
{
    public static SourceRead Whole { get; } = new(DeliveryKinds.Snapshot);

    public static SourceRead KeySet { get; } = new(DeliveryKinds.KeySet);

    public static SourceRead ChangesSince(CursorValue since) => new(DeliveryKinds.Changes, since);
}
