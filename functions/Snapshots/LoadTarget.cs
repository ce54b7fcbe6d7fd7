namespace PecLists.Functions.Snapshots;

/// <summary>
/// What a load reads from the snapshot's bookkeeping row, never from the queue message: the status before this
/// attempt, whose snapshot it is, where its blob is, the list version it was checked against at ingest (null for a row
/// recorded before versions were), whether an operator released it from a hold, when it was accepted (queue wait),
/// what it holds (<see cref="PecLists.Contracts.DeliveryKinds"/>) and the cursor it carries (null when none).
/// </summary>
public sealed record LoadTarget(
    string Status, string Site, string List, string Blob, DateTimeOffset ExtractedAt, int? ListVersion, bool HoldReleased, DateTimeOffset ReceivedAt,
    string DeliveryKind, string? Cursor);
