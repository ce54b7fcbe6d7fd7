using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>
/// How an HTTP list walks its pages (<see cref="PaginatorTypes"/>). <c>next-link</c>: the next page's URL is at
/// <c>NextLinkPath</c> of each page (absent, null or empty ends the walk). <c>page-number</c>: the query parameter
/// <c>PageParameter</c> counts from <c>StartPage</c> (with <c>PageSizeParameter</c>=<c>PageSize</c> when given) until a
/// page holds no rows. <c>MaxPages</c> bounds the walk either way (a loop in the API's links ends there, as an error).
/// </summary>
public sealed record PaginatorDto(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? NextLinkPath = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PageParameter = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StartPage = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PageSizeParameter = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? PageSize = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxPages = null);
