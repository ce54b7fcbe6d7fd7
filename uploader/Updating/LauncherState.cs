using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Updating;

/// <summary>
/// <c>versions/state.json</c>: which release the launcher starts. Written whole to a temporary file and renamed over the
/// old one, so a power cut leaves the old state or the new, never half of one; unreadable, it is as if absent (the
/// launcher then runs itself: the install still works). Every change goes through <see cref="Update"/>, under
/// <c>versions/state.lock</c>: the daily run and the watch service (ADR 0023) may both update, confirm or roll back,
/// and a change read from a state another process has since replaced would undo that process's change.
/// </summary>
public sealed class LauncherState
{
    /// <summary>The release the launcher starts; null: the launcher runs itself (nothing installed by an update yet).</summary>
    public string? Current { get; set; }

    /// <summary>What runs again if <see cref="Current"/> fails its trial; null: the launcher itself.</summary>
    public string? Previous { get; set; }

    /// <summary>True from the update until <see cref="Current"/>'s first run ends without a sign of a broken binary.</summary>
    public bool Trial { get; set; }

    /// <summary>
    /// Releases rolled back here, with when: not installed again until the operator clears one by signing it again
    /// (a manifest signed after the block) or ships a newer release.
    /// </summary>
    public Dictionary<string, DateTimeOffset> Blocked { get; set; } = [];

    /// <summary>The last update's outcome, sent in each site's next heartbeat (<see cref="ReportedTo"/>: the sites it reached).</summary>
    public UpdateReportDto? Report { get; set; }

    public List<string> ReportedTo { get; set; } = [];

    public bool IsBlocked(string version) => Blocked.ContainsKey(version);

    /// <summary>True when <paramref name="version"/> is blocked and a manifest signed at <paramref name="signedAt"/> does not clear it.</summary>
    public bool IsBlocked(string version, DateTimeOffset signedAt) => Blocked.TryGetValue(version, out var at) && signedAt <= at;

    /// <summary>Records <paramref name="report"/> to be told to every site.</summary>
    public void Tell(UpdateReportDto report)
    {
        Report = report;
        ReportedTo = [];
    }

    /// <summary>The report <paramref name="site"/> has not heard yet, or null.</summary>
    public UpdateReportDto? ReportFor(string site) => Report is { } report && !ReportedTo.Contains(site) ? report : null;

    public static LauncherState Load(InstallLayout layout)
    {
        try
        {
            return File.Exists(layout.StatePath)
                ? JsonSerializer.Deserialize(File.ReadAllText(layout.StatePath), LauncherStateJson.Default.LauncherState) ?? new LauncherState()
                : new LauncherState();
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return new LauncherState(); // never block a run: the launcher runs itself
        }
    }

    /// <summary>How long a change waits for another process's change (each holds the lock for one read and one rename).</summary>
    public static readonly TimeSpan LockPatience = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Reads the state, lets <paramref name="change"/> change it and saves it when it says so (true), all under the state
    /// lock, so no other process's change falls between the read and the write. Returns the state as left. A lock not
    /// freed within <see cref="LockPatience"/> (a process hung on a dead disk) does not stop the launcher: the change is
    /// made unlocked, as before there was a lock.
    /// </summary>
    public static LauncherState Update(InstallLayout layout, Func<LauncherState, bool> change)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(change);
        using var held = FileLock.Acquire(layout.StateLockPath, LockPatience);
        var state = Load(layout);
        if (change(state))
        {
            state.Save(layout);
        }

        return state;
    }

    /// <summary>Writes the state whole (a temporary file renamed over the old). Outside tests, only through <see cref="Update"/>.</summary>
    public void Save(InstallLayout layout)
    {
        OwnerOnly.CreateDirectory(layout.VersionsDirectory);
        var temp = layout.StatePath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, LauncherStateJson.Default.LauncherState));
        File.Move(temp, layout.StatePath, overwrite: true);
    }
}
