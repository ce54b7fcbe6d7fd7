using System.Text.Json;
using System.Text.Json.Serialization;
using PecLists.Contracts;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// What the spool dropped since the last heartbeat that reached the backend, and the runs whose heartbeats did not
/// arrive, kept on disk so neither goes unreported even when the backend is out of reach for days.
/// </summary>
public sealed class SpoolState
{
    public int Superseded { get; set; }

    public int Quarantined { get; set; }

    public int OverCap { get; set; }

    [JsonIgnore]
    public int Dropped => Superseded + Quarantined + OverCap;

    /// <summary>
    /// Per site (IBGE code): runs whose heartbeat did not reach the backend, oldest first, the newest
    /// <see cref="UnreportedRun.MaxPerHeartbeat"/> kept. Sent with the next heartbeat that arrives, then forgotten.
    /// </summary>
    public Dictionary<string, List<UnreportedRun>> Unreported { get; set; } = [];

    /// <summary>
    /// Per list: the highest definition version this uploader ran. A lower one served later is refused
    /// (<c>definition-rollback</c>): an older signed SQL replayed by whoever can write the central catalog.
    /// </summary>
    public Dictionary<string, int> HighestListVersions { get; set; } = [];

    /// <summary>
    /// Per "{site}/{list}": the acknowledged cursor the backend last served (GET lists/{list}/cursor), used only when the
    /// backend is out of reach: it is still a cursor the backend acknowledged, so reading from it loses nothing.
    /// </summary>
    public Dictionary<string, ListCursorDto> Cursors { get; set; } = [];

    /// <summary>Per "{site}/{list}": when a key set was last accepted by the backend (it loads it a little later).</summary>
    public Dictionary<string, DateTimeOffset> KeySetsSent { get; set; } = [];

    /// <summary>Per "{site}/{list}": when the watch loop polls a scheduled list next (on its grid of every N minutes).</summary>
    public Dictionary<string, DateTimeOffset> NextPolls { get; set; } = [];

    /// <summary>Per site: when the watch loop last delivered a heartbeat (it sends one an hour, or at once on a failure).</summary>
    public Dictionary<string, DateTimeOffset> WatchHeartbeats { get; set; } = [];

    /// <summary>
    /// The highest uploader release this install ever ran or installed: a manifest offering a lower one is refused
    /// (<c>release-rollback</c>), like <see cref="HighestListVersions"/> for list definitions (docs/adr/0027).
    /// </summary>
    public string? HighestReleaseVersion { get; set; }

    /// <summary>
    /// The release keys (base64 SubjectPublicKeyInfo) trusted now, once a verified manifest's <c>TrustedKeys</c> replaced
    /// the ones pinned at install (<c>releaseSigningKeys</c>); null: the pinned ones. Key rotation without reinstalling.
    /// </summary>
    public List<string>? TrustedReleaseKeys { get; set; }

    /// <summary>When the last release check ran (a watch checks at most once an hour).</summary>
    public DateTimeOffset? LastReleaseCheck { get; set; }

    public static string ListKey(string site, string list) => $"{site}/{list}";

    /// <summary>Remembers the versions about to run, so an older one is never run after them.</summary>
    public void RecordRun(IEnumerable<ListDefinitionDto> definitions)
    {
        foreach (var definition in definitions)
        {
            if (!HighestListVersions.TryGetValue(definition.Name, out var highest) || definition.Version > highest)
            {
                HighestListVersions[definition.Name] = definition.Version;
            }
        }
    }

    public IReadOnlyList<UnreportedRun> UnreportedFor(string site) => Unreported.GetValueOrDefault(site) ?? [];

    /// <summary>Remembers a run whose heartbeat was not delivered, dropping the oldest past the cap.</summary>
    public void RecordUnreported(string site, UnreportedRun run)
    {
        var runs = Unreported.TryGetValue(site, out var existing) ? existing : Unreported[site] = [];
        runs.Add(run);
        if (runs.Count > UnreportedRun.MaxPerHeartbeat)
        {
            runs.RemoveRange(0, runs.Count - UnreportedRun.MaxPerHeartbeat);
        }
    }

    /// <summary>After a heartbeat reached the backend: the drop counters start again and the site's unreported runs are told.</summary>
    public SpoolState Reported(string site)
    {
        Unreported.Remove(site);
        return new SpoolState
        {
            Unreported = Unreported, HighestListVersions = HighestListVersions, Cursors = Cursors, KeySetsSent = KeySetsSent,
            NextPolls = NextPolls, WatchHeartbeats = WatchHeartbeats, HighestReleaseVersion = HighestReleaseVersion,
            TrustedReleaseKeys = TrustedReleaseKeys, LastReleaseCheck = LastReleaseCheck,
        };
    }

    public static string PathIn(string spoolRoot) => Path.Combine(spoolRoot, "state.json");

    public static SpoolState Load(string spoolRoot)
    {
        try
        {
            return File.Exists(PathIn(spoolRoot))
                ? JsonSerializer.Deserialize(File.ReadAllText(PathIn(spoolRoot)), SpoolStateJson.Default.SpoolState) ?? new SpoolState()
                : new SpoolState();
        }
        catch (JsonException)
        {
            return new SpoolState(); // a damaged state file must never block a run
        }
    }

    public void Save(string spoolRoot)
    {
        OwnerOnly.CreateDirectory(spoolRoot);
        var temp = PathIn(spoolRoot) + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, SpoolStateJson.Default.SpoolState));
        File.Move(temp, PathIn(spoolRoot), overwrite: true);
    }
}
