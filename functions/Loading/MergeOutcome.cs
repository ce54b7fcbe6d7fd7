using PecLists.Contracts;

namespace PecLists.Functions.Loading;

/// <summary>What a merge did (or, when held, would do), how long its phases took, and the hold if there is one.</summary>
internal sealed record MergeOutcome(SnapshotRowCounts Rows, LoadPhases Phases, LoadHold? Hold);
