using PecLists.Contracts;
using PecLists.Uploader.Config;

namespace PecLists.Uploader.Sources;

/// <summary>
/// An HTTP list's definition checked and resolved before the first request: its address, its headers with the secrets
/// filled in from the site's config, each column's field path and converter, and how it pages. Whatever cannot work
/// fails here, named, before anything is read.
/// </summary>
public sealed class HttpListPlan
{
    /// <summary>The bound on pages when the paginator sets none: a run is not held by an API that never ends.</summary>
    public const int DefaultMaxPages = 1000;

    /// <summary>Seconds one page (request and whole body) may take when the definition sets no <c>timeoutSeconds</c>.</summary>
    public const int DefaultTimeoutSeconds = 60;

    private HttpListPlan(ListDefinitionDto list, ListSourceDto source, Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, IReadOnlyList<PlannedColumn> columns)
    {
        List = list;
        Url = url;
        Headers = headers;
        Columns = columns;
        SecretNames = [.. (source.SecretHeaders ?? new Dictionary<string, string>()).Values.Distinct(StringComparer.Ordinal)];
        Paginator = source.Paginator;
        TimeoutSeconds = source.TimeoutSeconds is > 0 and var seconds ? seconds : DefaultTimeoutSeconds;
        MaxPages = Paginator?.MaxPages is > 0 and var max ? max : DefaultMaxPages;
        Reader = new JsonPageReader(source.RecordSelector ?? [], Paginator?.Type == PaginatorTypes.NextLink ? Paginator.NextLinkPath : null);
    }

    public ListDefinitionDto List { get; }

    /// <summary>The first page's address (for page-number pagination, before its page parameter is set).</summary>
    public Uri Url { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The names (never the values) of the secrets the requests carry: a 401/403 names them.</summary>
    public IReadOnlyList<string> SecretNames { get; }

    public IReadOnlyList<PlannedColumn> Columns { get; }

    public PaginatorDto? Paginator { get; }

    public int TimeoutSeconds { get; }

    public int MaxPages { get; }

    public JsonPageReader Reader { get; }

    public static HttpListPlan For(ListDefinitionDto list, IReadOnlyDictionary<string, string> secrets)
    {
        var source = list.Source ?? throw HttpSourceErrors.BadDefinition("the list has no HTTP source", "a lista não tem fonte HTTP");
        if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            throw HttpSourceErrors.BadDefinition(
                "the definition's source.url is not an http(s) address",
                "o source.url da definição não é um endereço http(s)");
        }

        if (source.Paginator is { } paginator && !PaginatorTypes.All.Contains(paginator.Type))
        {
            throw HttpSourceErrors.BadDefinition(
                $"the paginator type '{paginator.Type}' is unknown to this uploader (known: {string.Join(", ", PaginatorTypes.All)})",
                $"o tipo de paginação '{paginator.Type}' é desconhecido para este uploader (conhecidos: {string.Join(", ", PaginatorTypes.All)})");
        }

        if (source.Paginator is { Type: PaginatorTypes.NextLink, NextLinkPath: null or { Count: 0 } }
            || source.Paginator is { Type: PaginatorTypes.PageNumber, PageParameter: null or "" })
        {
            throw HttpSourceErrors.BadDefinition(
                "the paginator lacks its nextLinkPath (next-link) or pageParameter (page-number)",
                "a paginação não tem nextLinkPath (next-link) ou pageParameter (page-number)");
        }

        var headers = new List<KeyValuePair<string, string>>(source.Headers ?? new Dictionary<string, string>());
        foreach (var (header, secretName) in source.SecretHeaders ?? new Dictionary<string, string>())
        {
            if (!secrets.TryGetValue(secretName, out var value) || string.IsNullOrEmpty(value))
            {
                throw HttpSourceErrors.MissingSecret(header, secretName);
            }

            if (!EndpointRule.IsSecure(url))
            {
                throw HttpSourceErrors.SecretInClear(url);
            }

            headers.Add(new(header, value));
        }

        var columns = list.Columns.Select(c => new PlannedColumn(c, FieldPath.Parse(c.Field ?? c.Name) ?? throw HttpSourceErrors.BadFieldPath(c), new ColumnConverter(c))).ToList();
        return new HttpListPlan(list, source, url, headers, columns);
    }

    /// <summary>Page <paramref name="number"/>'s address (from 1) for page-number pagination.</summary>
    public Uri PageNumberUrl(int number)
    {
        var paginator = Paginator!;
        var page = QueryParameter.With(Url, paginator.PageParameter!, ((paginator.StartPage ?? 1) + number - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return paginator is { PageSizeParameter: { Length: > 0 } sizeParameter, PageSize: { } size }
            ? QueryParameter.With(page, sizeParameter, size.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : page;
    }
}
