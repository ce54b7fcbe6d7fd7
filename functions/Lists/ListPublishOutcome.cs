namespace PecLists.Functions.Lists;

/// <summary>A publish's (or an activation's) verdict and, when refused, why: every rule broken, each with its code (fit for an operator: never the definition's SQL).</summary>
public sealed record ListPublishOutcome(ListPublishVerdict Verdict, string Detail, IReadOnlyList<ListRefusal> Refusals)
{
    public static ListPublishOutcome Published { get; } = new(ListPublishVerdict.Published, string.Empty, []);

    public static ListPublishOutcome Refused(ListPublishVerdict verdict, IReadOnlyList<ListRefusal> refusals) => new(verdict, ListRefusal.Join(refusals), refusals);
}
