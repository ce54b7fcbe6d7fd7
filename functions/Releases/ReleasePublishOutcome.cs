namespace PecLists.Functions.Releases;

/// <summary>A publish's verdict and, when refused, what to do, in words for an operator.</summary>
public sealed record ReleasePublishOutcome(ReleasePublishVerdict Verdict, string Message)
{
    public bool Succeeded => Verdict is ReleasePublishVerdict.Published or ReleasePublishVerdict.Resigned;
}
