using PecLists.Contracts;

namespace PecLists.Functions.Loading;

/// <summary>
/// What a merge did (or, when held, would do), how long its phases took, and the hold if there is one; when the held
/// digest was kept, the digest terms of the rows it wrote and of the rows those replaced or removed.
/// </summary>
internal sealed record MergeOutcome(SnapshotRowCounts Rows, LoadPhases Phases, LoadHold? Hold, DigestTerms? Added = null, DigestTerms? Removed = null);
