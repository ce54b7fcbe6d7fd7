using LocalInfra;

namespace Releases.Tests.SelfUpdate;

/// <summary>
/// Uploader builds of this source at chosen versions (<c>dotnet publish -p:Version=…</c>), kept under
/// .artifacts/selfupdate-e2e and published again only when a source file of the uploader or the contracts is newer than
/// the build: publishing is minutes on a small machine. One publish at a time: in this process (a semaphore) and across
/// test processes of the same checkout (<see cref="ArtifactFolderLock"/> on the folder).
/// </summary>
public static class ReleaseBuilds
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    private static readonly string Folder = Path.Combine(RepoPaths.Root, ".artifacts", "selfupdate-e2e");

    private static readonly Lazy<Task<ShippedBuild>> WindowsPackage = new(() => PackageAsync("win-x64", "uploader.exe"));

    /// <summary>The version uploader/Uploader.csproj declares: what scripts/package.sh builds.</summary>
    public static string DeclaredVersion { get; } =
        System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "uploader", "Uploader.csproj")), "<Version>([^<]+)</Version>").Groups[1].Value;

    /// <summary>
    /// uploader.exe exactly as <c>scripts/package.sh --uploader win-x64</c> ships it, at <see cref="DeclaredVersion"/>:
    /// packaged once per test process (a win-x64 publish is a minute or more on a small machine) and shared by the tests
    /// that run the shipped exe under Wine. Each copies it before use and none writes to it, so no test sees another's
    /// state. The script's outcome is returned rather than thrown, so each test asserts it with the script's output.
    /// </summary>
    public static Task<ShippedBuild> WindowsPackageAsync() => WindowsPackage.Value;

    /// <summary>
    /// The form scripts/package.sh ships for <paramref name="runtime"/>: NativeAOT on linux-x64 (minutes of ILC),
    /// single-file self-contained trimmed on win-x64.
    /// </summary>
    public static Task<string> ExecutableAsync(string runtime, string version) =>
        PublishAsync(Path.Combine("uploader", "Uploader.csproj"), ["uploader", "contracts"], runtime, version, $"{runtime}-{version}-shipped", []);

    /// <summary>
    /// The same source as one self-contained single-file executable run by the JIT (no NativeAOT, no trimming): a real
    /// build at its own version, published in a fraction of the NativeAOT time, for a test that needs a second release
    /// to update to rather than a second proof that NativeAOT compiles.
    /// </summary>
    public static Task<string> SingleFileExecutableAsync(string runtime, string version) =>
        PublishAsync(
            Path.Combine("uploader", "Uploader.csproj"), ["uploader", "contracts"], runtime, version, $"{runtime}-{version}-single-file",
            ["-p:PublishAot=false", "-p:PublishSingleFile=true", "--self-contained", "true"]);

    /// <summary>
    /// tests/Fixtures/CrashingRelease published for <paramref name="runtime"/>: a release whose doctor passes and whose run
    /// exits 1 at once, the way the launcher sees a release that crashes at start.
    /// </summary>
    public static Task<string> CrashingExecutableAsync(string runtime) =>
        PublishAsync(Path.Combine("tests", "Fixtures", "CrashingRelease", "CrashingRelease.csproj"), [Path.Combine("tests", "Fixtures")], runtime, "0.0.1", $"{runtime}-crashing", []);

    private static async Task<string> PublishAsync(string project, string[] sources, string runtime, string version, string name, string[] properties)
    {
        var output = Path.Combine(Folder, name);
        var executable = Path.Combine(output, runtime.StartsWith("win", StringComparison.Ordinal) ? "uploader.exe" : "uploader");
        await OneAtATime.WaitAsync();
        try
        {
            using var otherProcesses = await ArtifactFolderLock.AcquireAsync(Folder, TimeSpan.FromMinutes(60));
            if (File.Exists(executable) && File.GetLastWriteTimeUtc(executable) > NewestSource(sources))
            {
                return executable;
            }

            await ProcessRunner.RunCheckedAsync(
                "dotnet",
                [
                    "publish", Path.Combine(RepoPaths.Root, project), "-c", "Release", "-r", runtime, $"-p:Version={version}", .. properties,
                    "--artifacts-path", Path.Combine(Folder, "build", name), "-o", output, "-nologo", "-v", "quiet",
                ],
                timeout: TimeSpan.FromMinutes(20));
            return executable;
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private static async Task<ShippedBuild> PackageAsync(string runtime, string executable)
    {
        var output = Path.Combine(Folder, "package");
        await OneAtATime.WaitAsync();
        try
        {
            using var otherProcesses = await ArtifactFolderLock.AcquireAsync(Folder, TimeSpan.FromMinutes(60));
            var packaged = await ProcessRunner.RunAsync(
                "bash", [Path.Combine(RepoPaths.Root, "scripts", "package.sh"), "--no-functions", "--uploader", runtime, "--out", output],
                timeout: TimeSpan.FromMinutes(20));
            return new ShippedBuild(packaged, Path.Combine(output, $"uploader-{runtime}", executable));
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private static DateTime NewestSource(string[] folders) =>
        folders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
}
