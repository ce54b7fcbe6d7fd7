using LocalInfra;

namespace Releases.Tests;

/// <summary>
/// A throwaway Wine prefix for running the shipped win-x64 uploader.exe (docs/uploader-windows.md): Debian's wine64
/// (scripts/install-deps.sh), <c>WINEDEBUG=-all</c>, no Mono/Gecko prompts, English messages; Linux paths reach the
/// program through drive Z:.
/// </summary>
public sealed class WinePrefix
{
    private WinePrefix(string wine, string directory)
    {
        Wine = wine;
        Directory = directory;
        Environment = new Dictionary<string, string?>
        {
            ["WINEPREFIX"] = directory,
            ["WINEDEBUG"] = "-all",
            ["WINEDLLOVERRIDES"] = "mscoree,mshtml=", // no Mono/Gecko install prompts at prefix creation
            ["LANG"] = "C.UTF-8",
            ["LC_ALL"] = null,
        };
    }

    public string Wine { get; }

    public string Directory { get; }

    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>The prefix at <paramref name="directory"/>, not created yet (see <see cref="CreateAsync"/>).</summary>
    public static WinePrefix At(string directory) =>
        new(FindWine() ?? throw new InvalidOperationException("Wine is not installed: run scripts/install-deps.sh (apt wine64)."), directory);

    /// <summary>Creates the prefix (a minute or two the first time): start it beside other slow work.</summary>
    public Task<ProcessResult> CreateAsync(string workingDirectory) =>
        ProcessRunner.RunAsync(Wine, ["cmd", "/c", "ver"], new Dictionary<string, string?>(Environment), workingDirectory, TimeSpan.FromMinutes(3));

    /// <summary>Runs a Windows program (given by its Linux path) in this prefix.</summary>
    public Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout) =>
        ProcessRunner.RunAsync(Wine, [program, .. arguments], new Dictionary<string, string?>(Environment), workingDirectory, timeout);

    /// <summary>Wine leaves its server (and services such as schedsvc) running per prefix: stops this prefix's only.</summary>
    public Task<ProcessResult> StopAsync(string workingDirectory) =>
        ProcessRunner.RunAsync(File.Exists("/usr/bin/wineserver") ? "/usr/bin/wineserver" : "/usr/lib/wine/wineserver", ["-k"], new Dictionary<string, string?>(Environment), workingDirectory);

    /// <summary>A Linux path as a Wine program sees it: drive Z: is the root.</summary>
    public static string WindowsPath(string path) => "Z:" + path.Replace('/', '\\');

    /// <summary>`wine` on PATH (Debian's wine package) or the wine64 loader alone (wine64 without its recommends).</summary>
    private static string? FindWine()
    {
        foreach (var directory in (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "wine");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists("/usr/lib/wine/wine64") ? "/usr/lib/wine/wine64" : null;
    }
}
