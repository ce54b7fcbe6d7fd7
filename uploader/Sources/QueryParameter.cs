namespace PecLists.Uploader.Sources;

/// <summary>Sets one query parameter of an address, keeping the others as they are (page-number pagination).</summary>
public static class QueryParameter
{
    public static Uri With(Uri url, string name, string value)
    {
        var kept = url.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => Uri.UnescapeDataString(pair.Split('=')[0]) != name);
        var query = string.Join('&', kept.Append($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}"));
        return new UriBuilder(url) { Query = query }.Uri;
    }
}
