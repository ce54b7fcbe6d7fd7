using LocalInfra;

namespace EndToEnd.Tests.SelfUpdate;

/// <summary>
/// Uploader builds of this source at chosen versions (<c>dotnet publish -p:Version=…</c>, as scripts/package.sh
/// publishes: NativeAOT on linux-x64, single-file on win-x64), kept under .artifacts/selfupdate-e2e and published again
/// only when a source file of the uploader or the contracts is newer than the build: publishing is minutes on a small machine.
/// </summary>
public static class ReleaseBuilds
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static async Task<string> ExecutableAsync(string runtime, string version)
    {
        var output = Path.Combine(RepoPaths.Root, ".artifacts", "selfupdate-e2e", $"{runtime}-{version}");
        var executable = Path.Combine(output, runtime.StartsWith("win", StringComparison.Ordinal) ? "uploader.exe" : "uploader");
        await OneAtATime.WaitAsync();
        try
        {
            if (File.Exists(executable) && File.GetLastWriteTimeUtc(executable) > NewestSource())
            {
                return executable;
            }

            await ProcessRunner.RunCheckedAsync(
                "dotnet",
                [
                    "publish", Path.Combine(RepoPaths.Root, "uploader", "Uploader.csproj"), "-c", "Release", "-r", runtime, $"-p:Version={version}",
                    "--artifacts-path", Path.Combine(RepoPaths.Root, ".artifacts", "selfupdate-e2e", "build", $"{runtime}-{version}"), "-o", output, "-nologo", "-v", "quiet",
                ],
                timeout: TimeSpan.FromMinutes(20));
            return executable;
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private static DateTime NewestSource() =>
        new[] { "uploader", "contracts" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
}
