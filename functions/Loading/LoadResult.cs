using PecLists.Contracts;

namespace PecLists.Functions.Loading;

/// <summary>How one delivery of a load message ended: a snapshot status (or "deferred"/"unknown"), the row counts and why.</summary>
public sealed record LoadResult(string Status, SnapshotRowCounts? Rows, string? ErrorCode = null, string? Reason = null, bool AlreadyFinal = false)
{
    /// <summary>Milliseconds spent copying the snapshot in, finding the differences and writing them.</summary>
    public LoadPhases? Phases { get; init; }

    /// <summary>How it was applied: "first-load" (COPY into the table), "merge" (staged diff) or "identical" (same digest).</summary>
    public string? Path { get; init; }

    /// <summary>No load slot was free: the message must come back later, without counting as a failure.</summary>
    public const string Deferred = "deferred";
}
