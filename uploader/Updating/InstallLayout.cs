using PecLists.Contracts;

namespace PecLists.Uploader.Updating;

/// <summary>
/// Where an install keeps its binaries (docs/adr/0027-uploader-self-update.md): the launcher is the binary the scheduler
/// and the watch service start (the first one installed, never replaced by an update), the releases it may start live
/// in <c>versions/&lt;version&gt;/</c> beside it, owner-only, and <c>versions/state.json</c> says which one is current.
/// </summary>
public sealed record InstallLayout(string Directory, string LauncherPath)
{
    /// <summary>Set by the launcher for the release it starts: the launcher's own path (the scheduled one).</summary>
    public const string LauncherVariable = Installation.Installer.LauncherVariable;

    public string VersionsDirectory => Path.Combine(Directory, "versions");

    public string StatePath => Path.Combine(VersionsDirectory, "state.json");

    /// <summary>Held for each read-and-write of <see cref="StatePath"/> (<see cref="LauncherState.Update"/>).</summary>
    public string StateLockPath => Path.Combine(VersionsDirectory, "state.lock");

    /// <summary>Held by the process installing a release, from the check to the swap: one download and one swap at a time.</summary>
    public string InstallLockPath => Path.Combine(VersionsDirectory, "install.lock");

    public static string BinaryName => OperatingSystem.IsWindows() ? "uploader.exe" : "uploader";

    /// <summary>The runtime this process was built for, as releases name it.</summary>
    public static string Runtime => OperatingSystem.IsWindows() ? ReleaseRuntimes.WinX64 : ReleaseRuntimes.LinuxX64;

    public string VersionDirectory(string version) => Path.Combine(VersionsDirectory, version);

    public string BinaryOf(string version) => Path.Combine(VersionDirectory(version), BinaryName);

    /// <summary>How a download in progress ends its name: <c>versions/&lt;version&gt;/uploader.&lt;sha256&gt;.download</c>.</summary>
    public const string PartialSuffix = ".download";

    /// <summary>Where the release with <paramref name="sha256"/> is downloaded to: named by the signed digest, so bytes of another release are never resumed.</summary>
    public string PartialOf(string version, string sha256) => Path.Combine(VersionDirectory(version), $"{BinaryName}.{sha256.ToLowerInvariant()}{PartialSuffix}");

    /// <summary>The marker a release writes when its run or watch really started (it tells a crash at start from a failed run).</summary>
    public string StartedMarkerOf(string version) => Path.Combine(VersionDirectory(version), ".started");

    /// <summary>True when this process is a release the launcher started (not the launcher itself).</summary>
    public static bool IsLaunchedRelease => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(LauncherVariable));

    /// <summary>
    /// This process's install: the launcher's folder when a launcher started it, else the folder of this executable
    /// (which is then the launcher: an install made before self-update becomes one on its first update).
    /// </summary>
    public static InstallLayout ForThisProcess()
    {
        var launcher = Environment.GetEnvironmentVariable(LauncherVariable) is { Length: > 0 } fromLauncher
            ? fromLauncher
            : Installation.Installer.OwnExecutable();
        return ForLauncher(launcher);
    }

    public static InstallLayout ForLauncher(string launcherPath)
    {
        var full = Path.GetFullPath(launcherPath);
        return new InstallLayout(Path.GetDirectoryName(full)!, full);
    }
}
