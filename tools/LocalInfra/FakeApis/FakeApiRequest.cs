using System.Collections.Specialized;

namespace LocalInfra.FakeApis;

/// <summary>
/// One request the fake API received: its path, path and query, query parameters, headers, which attempt at that
/// exact address it was (1 for the first), and when it arrived (since the server started).
/// </summary>
public sealed record FakeApiRequest(
    string Path,
    string PathAndQuery,
    NameValueCollection Query,
    IReadOnlyDictionary<string, string> Headers,
    int Attempt,
    TimeSpan ArrivedAt);
