namespace PecLists.Functions.Loading;

/// <summary>What the backend holds for one (site, list): the <see cref="PecLists.Contracts.RowsDigest"/> of its central rows and how it was made.</summary>
public sealed record HeldDigest(int ListVersion, long Rows, string RowsDigest, uint TableFilenode, Guid SnapshotId, DateTimeOffset FullReceivedAt);
