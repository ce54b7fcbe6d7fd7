using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace HostStandIn;

/// <summary>
/// How the host re-sends an HTTP-in/HTTP-out invocation to a custom handler with <c>enableForwardingHttpRequest</c>.
/// Copied rule by rule from Azure/azure-functions-host (src/WebJobs.Script, dev, Oct 2024, commit 89dc438):
/// <c>Workers/Http/DefaultHttpWorkerService.ProcessHttpInAndOutInvocationRequest</c>, <c>GetPathValue</c>,
/// <c>BuildAndGetUri</c>, <c>AddHeaders</c>, and <c>Extensions/HttpRequestExtensions.ToHttpRequestMessage</c>.
/// The same .NET types do the same things here: content headers offered to the request header collection are
/// dropped (Content-Encoding among them), and a body goes only with a positive Content-Length.
/// </summary>
public static class HttpForwarding
{
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";
    public const string HostVersionHeader = "X-Azure-Functions-HostVersion";
    public const string UserAgentProduct = "Azure-Functions-Host";

    /// <summary>
    /// The version this stand-in sends in the host's headers: a 4.x host version string. Only its presence is part of the
    /// contract; the rules copied come from the host source at commit 89dc438 (Oct 2024), not from this release.
    /// </summary>
    public const string HostVersion = "4.1036.0.0";

    /// <summary>Host: DefaultHttpWorkerService.GetPathValue with forwarding on — the original absolute path.</summary>
    public static string PathValue(HttpRequest request) => new Uri(request.GetDisplayUrl()).AbsolutePath;

    /// <summary>Host: DefaultHttpWorkerService.BuildAndGetUri.</summary>
    public static string HandlerUri(int port, string pathValue) => new UriBuilder("http", "127.0.0.1", port, pathValue).ToString();

    /// <summary>Host: HttpRequestExtensions.ToHttpRequestMessage.</summary>
    public static HttpRequestMessage ToHttpRequestMessage(HttpRequest request, string requestUri)
    {
        var httpRequest = new HttpRequestMessage
        {
            RequestUri = new Uri(QueryHelpers.AddQueryString(requestUri, QueryAsDictionary(request))),
        };

        foreach (var header in request.Headers)
        {
            httpRequest.Headers.TryAddWithoutValidation(header.Key, header.Value.AsEnumerable());
        }

        httpRequest.Method = new HttpMethod(request.Method);

        if (request.ContentLength != null && request.ContentLength > 0)
        {
            httpRequest.Content = new StreamContent(request.Body);
            httpRequest.Content.Headers.Add("Content-Length", request.ContentLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(request.ContentType))
            {
                httpRequest.Content.Headers.Add("Content-Type", request.ContentType);
            }
        }

        return httpRequest;
    }

    /// <summary>Host: DefaultHttpWorkerService.AddHeaders.</summary>
    public static void AddHeaders(HttpRequestMessage request, string invocationId)
    {
        request.Headers.Add(HostVersionHeader, HostVersion);
        request.Headers.Add(InvocationIdHeader, invocationId);
        request.Headers.UserAgent.ParseAdd($"{UserAgentProduct}/{HostVersion}");
    }

    /// <summary>
    /// Host: DefaultHttpWorkerService.CreateHttpClient and its constructor — no cookies, no redirects when
    /// forwarding, and a timeout one minute longer than functionTimeout (or int.MaxValue ms without one).
    /// </summary>
    public static HttpClient CreateClient(TimeSpan? functionTimeout) =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            Timeout = functionTimeout is { } timeout ? timeout.Add(TimeSpan.FromMinutes(1)) : TimeSpan.FromMilliseconds(int.MaxValue),
        };

    // Host: HttpRequestExtensions.GetQueryCollectionAsDictionary — repeated keys are joined with ','.
    private static Dictionary<string, string?> QueryAsDictionary(HttpRequest request)
    {
        var query = new Dictionary<string, string?>();
        foreach (var key in request.Query.Keys)
        {
            request.Query.TryGetValue(key, out StringValues value);
            query.Add(key, value.ToString());
        }

        return query;
    }
}
