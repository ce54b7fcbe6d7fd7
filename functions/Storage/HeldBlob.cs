namespace PecLists.Functions.Storage;

/// <summary>A blob under <see cref="SnapshotStore.HeldPrefix"/>: its name and the snapshot its metadata names (null when none).</summary>
public sealed record HeldBlob(string Name, Guid? SnapshotId);
