using PecLists.Contracts;

namespace PecLists.Functions.Loading;

/// <summary>How one delivery of a load message ended: a snapshot status (or "deferred"/"unknown"), the row counts and why.</summary>
public sealed record LoadResult(string Status, SnapshotRowCounts? Rows, string? ErrorCode = null, string? Reason = null, bool AlreadyFinal = false)
{
    /// <summary>Milliseconds spent copying the snapshot in, finding the differences and writing them.</summary>
    public LoadPhases? Phases { get; init; }

    /// <summary>How it was applied: "first-load" (COPY into the table), "merge" (staged diff) or "identical" (same digest).</summary>
    public string? Path { get; init; }

    /// <summary>No load slot was free, or the pair was busy: the message must come back later, without counting as a failure.</summary>
    public const string Deferred = "deferred";

    /// <summary>Deferred because every load slot was busy (not because the pair was): worth trying again for a slot.</summary>
    public bool NoSlotFree { get; init; }

    /// <summary>How long the load waited for a free slot before this outcome (<see cref="LoadOptions.SlotWaitSeconds"/>).</summary>
    public TimeSpan SlotWaited { get; init; }
}
