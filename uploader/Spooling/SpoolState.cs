using System.Text.Json;
using System.Text.Json.Serialization;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// What the spool dropped since the last heartbeat that reached the backend, kept on disk so no drop goes unreported
/// even when the backend is down for days.
/// </summary>
public sealed class SpoolState
{
    public int Superseded { get; set; }

    public int Quarantined { get; set; }

    public int OverCap { get; set; }

    [JsonIgnore]
    public int Dropped => Superseded + Quarantined + OverCap;

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
        Directory.CreateDirectory(spoolRoot);
        var temp = PathIn(spoolRoot) + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, SpoolStateJson.Default.SpoolState));
        File.Move(temp, PathIn(spoolRoot), overwrite: true);
    }
}
