using System.Text.RegularExpressions;
using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// The rules of where a list reads its rows (<see cref="ListSourceDto"/>): an HTTP list names an absolute URL, reads no
/// SQL, and its selector, paginator and columns' fields are well formed; a PostgreSQL list carries none of the HTTP parts.
/// </summary>
public static partial class HttpSourceRules
{
    /// <summary>Headers that carry credentials: they go in <c>secretHeaders</c>, so a key never travels in the definition.</summary>
    private static readonly HashSet<string> CredentialHeaders = new(StringComparer.OrdinalIgnoreCase) { "Authorization", "Proxy-Authorization", "Cookie" };

    /// <summary>What a request may wait for a page, at most (the uploader's run has other lists to extract).</summary>
    private const int MaxTimeoutSeconds = 600;

    public static void Check(ListDefinition definition, List<ListRefusal> refusals)
    {
        var source = definition.Source;
        var kind = source?.Kind ?? SourceKinds.Postgres;
        if (!SourceKinds.All.Contains(kind))
        {
            refusals.Add(new(PublishCodes.SourceKindUnknown, $"source.kind '{kind}' is not one of {string.Join(", ", SourceKinds.All)}"));
            return;
        }

        if (kind == SourceKinds.Postgres)
        {
            CheckPostgres(definition, refusals);
            return;
        }

        if (!string.IsNullOrWhiteSpace(definition.Sql))
        {
            refusals.Add(new(PublishCodes.HttpWithSql, "an HTTP list reads its rows from source.url, not from SQL: remove \"sql\"/\"sqlFile\""));
        }

        CheckUrl(source!.Url, refusals);
        CheckHeaders(source, refusals);
        if (source.RecordSelector is { } selector && selector.Any(string.IsNullOrWhiteSpace))
        {
            refusals.Add(new(PublishCodes.RecordSelectorInvalid, "source.recordSelector is the path of the rows array in the document: each step must be a member name or an index, none empty"));
        }

        if (source.Paginator is { } paginator)
        {
            PaginatorRules.Check(paginator, refusals);
        }

        foreach (var column in definition.Columns.Where(c => c is not null))
        {
            CheckField(column, refusals);
        }
    }

    private static void CheckPostgres(ListDefinition definition, List<ListRefusal> refusals)
    {
        if (definition.Source is { } source
            && (source.Url is not null || source.Headers is not null || source.SecretHeaders is not null || source.RecordSelector is not null
                || source.Paginator is not null || source.TimeoutSeconds is not null))
        {
            refusals.Add(new(PublishCodes.HttpPartOnPostgres, "source.url, headers, secretHeaders, recordSelector, paginator and timeoutSeconds belong to an HTTP list (\"kind\": \"http\")"));
        }

        foreach (var column in definition.Columns.Where(c => c is { Field: not null } or { Format: not null }))
        {
            refusals.Add(new(PublishCodes.HttpPartOnPostgres, $"column '{column.Name}' has a \"field\" or \"format\", which only an HTTP list reads; a PostgreSQL list names and converts its columns in its SQL"));
        }
    }

    private static void CheckUrl(string? url, List<ListRefusal> refusals)
    {
        // {ibge} is the site's 7-digit code: any such code makes the same kind of URL.
        if (string.IsNullOrWhiteSpace(url)
            || !Uri.TryCreate(url.Replace("{ibge}", "1234567", StringComparison.Ordinal), UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https") || string.IsNullOrEmpty(parsed.Host))
        {
            refusals.Add(new(PublishCodes.HttpUrlRequired, "an HTTP list needs source.url, an absolute http:// or https:// URL (it may hold {ibge}, the site's code)"));
        }
    }

    private static void CheckHeaders(ListSourceDto source, List<ListRefusal> refusals)
    {
        var headers = source.Headers ?? new Dictionary<string, string>();
        var secrets = source.SecretHeaders ?? new Dictionary<string, string>();
        foreach (var (name, value) in headers)
        {
            if (!HeaderName().IsMatch(name) || value is null || value.Any(c => c is '\r' or '\n' or '\0'))
            {
                refusals.Add(new(PublishCodes.HttpSourceInvalid, $"source.headers '{name}' is not a header that can be sent (a token name, a value without line breaks)"));
            }
            else if (CredentialHeaders.Contains(name))
            {
                refusals.Add(new(PublishCodes.HttpSourceInvalid, $"source.headers '{name}' carries a credential, which must not travel in the definition: name it in source.secretHeaders and give its value to the site's uploader config (secrets)"));
            }
        }

        foreach (var (name, secret) in secrets)
        {
            if (!HeaderName().IsMatch(name) || string.IsNullOrWhiteSpace(secret) || secret.Any(char.IsWhiteSpace))
            {
                refusals.Add(new(PublishCodes.HttpSourceInvalid, $"source.secretHeaders '{name}' must map a header name to the name of a secret in the site's uploader config"));
            }
            else if (headers.Keys.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                refusals.Add(new(PublishCodes.HttpSourceInvalid, $"header '{name}' is both in source.headers and in source.secretHeaders"));
            }
        }

        if (source.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            refusals.Add(new(PublishCodes.HttpSourceInvalid, $"source.timeoutSeconds must be 1 to {MaxTimeoutSeconds}"));
        }
    }

    private static void CheckField(ListColumnDto column, List<ListRefusal> refusals)
    {
        if (column.Field is { } field && (field.Length == 0 || field.Split('.').Any(step => step.Trim().Length == 0)))
        {
            refusals.Add(new(PublishCodes.FieldInvalid, $"column '{column.Name}' field '{field}' must be a dotted path of member names or indexes, none empty (e.g. \"posicao.latitude\")"));
        }

        if (column.Format is not { } format)
        {
            return;
        }

        if (!FieldFormats.All.Contains(format))
        {
            refusals.Add(new(PublishCodes.FormatUnknown, $"column '{column.Name}' format '{format}' is not one of {string.Join(", ", FieldFormats.All)}"));
        }
        else if (ColumnTypes.Normalize(column.Type) is { } type && type != "timestamptz")
        {
            refusals.Add(new(PublishCodes.FormatTypeMismatch, $"column '{column.Name}' format '{format}' makes a timestamptz, but the column is {type}"));
        }
    }

    /// <summary>An HTTP field name (RFC 9110 §5.1: a token).</summary>
    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")]
    private static partial Regex HeaderName();
}
