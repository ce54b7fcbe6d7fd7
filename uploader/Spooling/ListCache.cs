using System.Text.Json;
using PecLists.Contracts;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// The last list definitions fetched for a site, with their ETag: sent as If-None-Match, and used as they are when the
/// backend cannot be reached, so the day's extraction still happens and waits in the spool.
/// </summary>
public sealed record ListCache(string? ETag, DateTimeOffset FetchedAt, ListCatalogDto Catalog)
{
    public static string PathFor(string spoolRoot, string site) => Path.Combine(spoolRoot, $"lists-{site}.json");

    public static ListCache? Load(string spoolRoot, string site)
    {
        try
        {
            var path = PathFor(spoolRoot, site);
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), ListCacheJson.Default.ListCache) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string spoolRoot, string site)
    {
        OwnerOnly.CreateDirectory(spoolRoot);
        var path = PathFor(spoolRoot, site);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, ListCacheJson.Default.ListCache));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
