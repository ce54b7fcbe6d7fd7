namespace Bench;

/// <summary>One committed change of the lag workload: the row, what was done, and the cursor value it wrote.</summary>
public sealed record LagChange(long Id, LagChangeKind Kind, DateTime UpdatedAt);
