namespace PecLists.Contracts;

/// <summary>
/// The body of an unchanged delivery (POST <see cref="ApiRoutes.UnchangedDelivery"/>, with X-Extracted-At as a PUT's):
/// the list version the edge extracted with, how many rows it extracted, and their <see cref="RowsDigest"/>. A few
/// hundred bytes instead of the list (docs/adr/0024-unchanged-deliveries.md).
/// </summary>
public sealed record UnchangedDeliveryDto(int ListVersion, long Rows, string RowsDigest);
