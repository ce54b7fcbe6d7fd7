namespace PecLists.Uploader.Spooling;

/// <summary>An append list's polls waiting in the spool to go as one delivery: the definition version they were read with, oldest poll first.</summary>
public sealed record AppendBatch(int Version, string Directory, IReadOnlyList<SpooledSnapshot> Polls)
{
    /// <summary>When the batch's first poll was read (its UUIDv7's time): the batch is due that many minutes later.</summary>
    public DateTimeOffset StartedAt => Polls[0].ExtractedAt;

    /// <summary>The delivery the batch becomes takes the first poll's id: a close interrupted by a crash is recognised, never sent twice.</summary>
    public Guid DeliveryId => Polls[0].SnapshotId;
}
