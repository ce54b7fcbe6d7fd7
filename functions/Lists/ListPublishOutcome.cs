namespace PecLists.Functions.Lists;

/// <summary>A publish's verdict and, when refused, why (fit for an operator: never the definition's SQL).</summary>
public sealed record ListPublishOutcome(ListPublishVerdict Verdict, string Detail)
{
    public static ListPublishOutcome Published { get; } = new(ListPublishVerdict.Published, string.Empty);
}
