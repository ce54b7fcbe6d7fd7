using PecLists.Uploader.Config;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// Whether any scheduled list of any site is due, from what the spool already knows (each site's cached catalog and
/// the state's next polls): the watch loop asks every minute without a request to the backend.
/// </summary>
public static class ScheduledLists
{
    public static bool AnyDue(UploaderConfig config, DateTimeOffset now)
    {
        var state = SpoolState.Load(config.SpoolDirectory);
        return config.Sites.Any(site => Scheduled(config, site.Ibge).Any(l => PollSchedule.IsDue(l, state, site.Ibge, now)));
    }

    /// <summary>Whether any site's cached catalog has a list with a schedule.</summary>
    public static bool Any(UploaderConfig config) => config.Sites.Any(site => Scheduled(config, site.Ibge).Any());

    private static IEnumerable<Contracts.ListDefinitionDto> Scheduled(UploaderConfig config, string site) =>
        (ListCache.Load(config.SpoolDirectory, site)?.Catalog.Lists ?? [])
            .Where(l => l.Schedule is not null && (config.Lists.Count == 0 || config.Lists.Contains(l.Name)));
}
