using System.Diagnostics;
using System.Text.RegularExpressions;
using LocalInfra;

namespace Releases.Tests.Compatibility;

/// <summary>
/// The uploader of the previous release, built from git history: the source at <see cref="Revision"/> checked out in a
/// temporary worktree (removed after), its uploader project alone built (JIT: the wire and the config files are what
/// this is about, not the publish form), kept under .artifacts/previous-release/&lt;revision&gt; since a revision never
/// changes. One build at a time, in this process and across test processes of the same checkout
/// (<see cref="ArtifactFolderLock"/>).
/// </summary>
/// <remarks>
/// Why this revision: 941aea0 is the last commit of main before the releases backend and the uploader's self-update
/// (issue 26) were merged (98979dd, 812c6cd), so it is the uploader every site runs when the first self-updating release
/// ships, and the one a reinstall replaces. The csproj's &lt;Version&gt; does not mark releases in this history: it has
/// said 0.2.0 since 1c18f5a (ADR 0019's dated signatures), through issues 22 to 25, which changed the wire (v3-only list
/// signatures, X-Delivery and X-Cursor, block uploads); the commit before it (0.1.0) predates all of them and is not
/// "one version step" from today in any sense but the number. There are no tags.
/// </remarks>
public static class PreviousRelease
{
    public const string Revision = "941aea02849f580f771fddd4f5d93ad02e47f858";

    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>The previous release's uploader.dll (run with <c>dotnet</c>) and the version its project declares.</summary>
    public static async Task<(string Dll, string Version)> UploaderAsync()
    {
        var output = Path.Combine(RepoPaths.Root, ".artifacts", "previous-release", Revision);
        var dll = Path.Combine(output, "uploader.dll");
        await OneAtATime.WaitAsync();
        try
        {
            using var otherProcesses = await ArtifactFolderLock.AcquireAsync(output, TimeSpan.FromMinutes(60));
            await EnsureRevisionAsync();
            var version = DeclaredVersion((await GitAsync("show", $"{Revision}:uploader/Uploader.csproj")).StandardOutput);
            if (!File.Exists(dll))
            {
                await BuildAsync(output);
            }

            // The build says which source it came from (the SDK appends the commit to the informational version):
            // a cache filled from anything else fails here, not later as a puzzling difference.
            var built = FileVersionInfo.GetVersionInfo(dll).ProductVersion;
            if (built != $"{version}+{Revision}")
            {
                throw new InvalidOperationException($"{dll} says it is {built}, not {version}+{Revision}: delete {output} and run again.");
            }

            return (dll, version);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private static async Task EnsureRevisionAsync()
    {
        var present = await ProcessRunner.RunAsync("git", ["-C", RepoPaths.Root, "cat-file", "-e", $"{Revision}^{{commit}}"]);
        if (present.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The previous release's source (commit {Revision}) is not in this clone's history, so the compatibility test cannot build it. "
                + "A shallow clone lacks it: fetch the full history (git fetch --unshallow, or actions/checkout with fetch-depth: 0).\n" + present.Combined);
        }
    }

    private static async Task BuildAsync(string output)
    {
        var temporary = Directory.CreateTempSubdirectory("previous-release-").FullName;
        var source = Path.Combine(temporary, "source");
        var partial = output + ".partial";
        try
        {
            await GitAsync("worktree", "add", "--detach", source, Revision);
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }

            await ProcessRunner.RunCheckedAsync(
                "dotnet",
                ["build", Path.Combine(source, "uploader", "Uploader.csproj"), "-c", "Release", "-o", partial, "-nologo", "-v", "quiet"],
                timeout: TimeSpan.FromMinutes(20));

            // Whole or not at all: a build cut short leaves only the .partial folder, which the next run replaces.
            Directory.Move(partial, output);
        }
        finally
        {
            await ProcessRunner.RunAsync("git", ["-C", RepoPaths.Root, "worktree", "remove", "--force", source]);
            await ProcessRunner.RunAsync("git", ["-C", RepoPaths.Root, "worktree", "prune"]);
            Directory.Delete(temporary, recursive: true);
        }
    }

    private static string DeclaredVersion(string csproj) =>
        Regex.Match(csproj, "<Version>([^<]+)</Version>") is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"uploader/Uploader.csproj at {Revision} declares no <Version>.");

    private static Task<ProcessResult> GitAsync(params string[] arguments) =>
        ProcessRunner.RunCheckedAsync("git", ["-C", RepoPaths.Root, .. arguments]);
}
