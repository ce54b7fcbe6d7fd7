namespace PecLists.Contracts;

/// <summary>The ways an HTTP list pages (<see cref="PaginatorDto"/>).</summary>
public static class PaginatorTypes
{
    public const string NextLink = "next-link";

    public const string PageNumber = "page-number";

    public static readonly IReadOnlyList<string> All = [NextLink, PageNumber];
}
