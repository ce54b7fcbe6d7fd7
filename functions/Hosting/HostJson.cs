using System.Globalization;
using System.Text.Json;

namespace PecLists.Functions.Hosting;

/// <summary>
/// What the handler needs to know from the host.json beside it (the app root the Functions host reads): the
/// function timeout, after which the host abandons an invocation. A load must give up before that, or the host
/// cancels it first and nothing records why.
/// </summary>
public static class HostJson
{
    /// <summary>The host's default when host.json says nothing (Flex Consumption: 30 minutes; "functionTimeout" in host.json docs).</summary>
    public static readonly TimeSpan DefaultFunctionTimeout = TimeSpan.FromMinutes(30);

    /// <summary>functionTimeout from <paramref name="appRoot"/>/host.json; null when unbounded ("-1"), the default when absent.</summary>
    public static TimeSpan? FunctionTimeout(string appRoot)
    {
        var path = Path.Combine(appRoot, "host.json");
        if (!File.Exists(path))
        {
            return DefaultFunctionTimeout;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!json.RootElement.TryGetProperty("functionTimeout", out var value) || value.ValueKind != JsonValueKind.String)
        {
            return DefaultFunctionTimeout;
        }

        var text = value.GetString()!;
        return text == "-1" ? null : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
    }
}
