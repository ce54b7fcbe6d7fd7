using PecLists.Functions.Lists;

namespace PecLists.Functions.Ingest;

/// <summary>
/// What one snapshot PUT delivers: its kind (<see cref="PecLists.Contracts.DeliveryKinds"/>), its cursor (null when it
/// carries none) and the list versions that may take it, the active one first.
/// </summary>
public sealed record Delivery(string Kind, string? Cursor, IReadOnlyList<ListDefinition> Versions);
