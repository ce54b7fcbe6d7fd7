namespace PecLists.Functions.Snapshots;

/// <summary>What the ledger keeps to recognise a repeat of an upload: whose it is, its content, what it delivers and where it stands.</summary>
public sealed record SnapshotRecord(string Site, string List, string Digest, string Status, string DeliveryKind, string? Cursor);
