namespace PecLists.Contracts;

/// <summary>The runtimes an uploader release is built for (the .NET runtime identifiers the release is published with).</summary>
public static class ReleaseRuntimes
{
    public const string LinuxX64 = "linux-x64";
    public const string WinX64 = "win-x64";

    public static IReadOnlyList<string> All { get; } = [LinuxX64, WinX64];

    public static bool IsKnown(string? runtime) => runtime is LinuxX64 or WinX64;
}
