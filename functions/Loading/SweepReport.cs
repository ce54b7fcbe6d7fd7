namespace PecLists.Functions.Loading;

/// <summary>What one sweep did: found unqueued, queued, rejected for a missing blob, and left to a concurrent claim.</summary>
public sealed record SweepReport(int Found, int Queued, int BlobMissing, int ClaimedElsewhere)
{
    public override string ToString() =>
        $"found={Found} queued={Queued} blobMissing={BlobMissing} claimedElsewhere={ClaimedElsewhere}";
}
