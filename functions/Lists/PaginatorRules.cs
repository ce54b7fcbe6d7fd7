using System.Text.RegularExpressions;
using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// The rules of an HTTP list's paginator (<see cref="PaginatorDto"/>): each type has what it needs and nothing of the
/// other type (a member the uploader would ignore is a misunderstanding waiting to happen), and its bounds are positive.
/// </summary>
public static partial class PaginatorRules
{
    public static void Check(PaginatorDto paginator, List<ListRefusal> refusals)
    {
        if (!PaginatorTypes.All.Contains(paginator.Type))
        {
            refusals.Add(new(PublishCodes.PaginatorTypeUnknown, $"source.paginator.type '{paginator.Type}' is not one of {string.Join(", ", PaginatorTypes.All)}"));
            return;
        }

        var problems = paginator.Type == PaginatorTypes.NextLink ? NextLinkProblems(paginator) : PageNumberProblems(paginator);
        if (paginator.MaxPages is < 1)
        {
            problems.Add("maxPages must be 1 or more");
        }

        refusals.AddRange(problems.Select(p => new ListRefusal(PublishCodes.PaginatorInvalid, $"source.paginator ({paginator.Type}): {p}")));
    }

    private static List<string> NextLinkProblems(PaginatorDto paginator)
    {
        var problems = new List<string>();
        if (paginator.NextLinkPath is not { Count: > 0 } path || path.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("nextLinkPath must name where each page holds the next page's URL, each step a member name or an index");
        }

        if (paginator.PageParameter is not null || paginator.StartPage is not null || paginator.PageSizeParameter is not null || paginator.PageSize is not null)
        {
            problems.Add($"pageParameter, startPage, pageSizeParameter and pageSize belong to a {PaginatorTypes.PageNumber} paginator");
        }

        return problems;
    }

    private static List<string> PageNumberProblems(PaginatorDto paginator)
    {
        var problems = new List<string>();
        if (paginator.PageParameter is not { } parameter || !QueryParameter().IsMatch(parameter))
        {
            problems.Add("pageParameter must name the query parameter that counts the pages (letters, digits, '_', '-', '.')");
        }

        if (paginator.NextLinkPath is not null)
        {
            problems.Add($"nextLinkPath belongs to a {PaginatorTypes.NextLink} paginator");
        }

        if (paginator.StartPage is < 0)
        {
            problems.Add("startPage must be 0 or more");
        }

        if ((paginator.PageSizeParameter is null) != (paginator.PageSize is null))
        {
            problems.Add("pageSizeParameter and pageSize go together");
        }
        else if (paginator.PageSizeParameter is { } sizeParameter && (!QueryParameter().IsMatch(sizeParameter) || paginator.PageSize < 1))
        {
            problems.Add("pageSizeParameter must be a query parameter name and pageSize 1 or more");
        }

        return problems;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,64}$")]
    private static partial Regex QueryParameter();
}
