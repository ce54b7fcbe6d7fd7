using System.Text.Json.Nodes;
using LocalInfra;
using static Releases.Tests.SelfUpdate.ReleaseOperator;
using static Releases.Tests.WinePrefix;

namespace Releases.Tests.SelfUpdate;

/// <summary>
/// The update path of the build most municipalities run: the shipped win-x64 single-file uploader.exe, packaged by
/// scripts/package.sh at the declared version (v1, the same package WindowsUploaderTests runs) and published from this
/// source at a higher one (v2; both trimmed single-file, the shipped form), under Wine (docs/uploader-windows.md),
/// against the local stack and the operator's own release commands. v1 is installed with <c>uploader install --release-signing-key</c> at a fixed path under
/// "Program Files", which stays the launcher: Windows cannot overwrite a running executable, so every release lands in
/// <c>versions/&lt;v&gt;/uploader.exe</c> and only <c>versions/state.json</c> says which one runs
/// (docs/adr/0027-uploader-self-update.md). The broken release is tests/Fixtures/CrashingRelease published win-x64 (a
/// real PE that passes doctor and exits 1 on run: Windows starts executables only, not the Linux test's script); the
/// tampered one is a published release whose blob is overwritten in storage with bytes of the same size.
/// </summary>
public sealed class SelfUpdateUnderWineTests
{
    private const string Runtime = "win-x64";

    /// <summary>v1 is the package WindowsUploaderTests runs too, at the version the project declares; the later releases are above it.</summary>
    private static readonly string V1 = ReleaseBuilds.DeclaredVersion;

    private static readonly int NextMajor = Version.Parse(V1).Major + 1;

    private static readonly string V2 = $"{NextMajor}.1.0";

    private static readonly string V3 = $"{NextMajor}.2.0";

    private static readonly string V4 = $"{NextMajor}.3.0";

    [Fact]
    public async Task The_shipped_exe_under_wine_delivers_then_updates_into_versions_runs_the_new_release_from_the_same_path_rolls_back_a_crashing_one_and_refuses_a_tampered_one()
    {
        var work = Directory.CreateTempSubdirectory("selfupdate-wine-").FullName;
        var wine = WinePrefix.At(Path.Combine(work, "wineprefix"));

        // The three builds (v1 packaged once per test process by scripts/package.sh and shared with WindowsUploaderTests;
        // v2 and the crashing one cached under .artifacts when the source is unchanged), Wine's prefix and the stack
        // start together.
        var v1Build = ReleaseBuilds.WindowsPackageAsync();
        var v2Build = ReleaseBuilds.ExecutableAsync(Runtime, V2);
        var crashingBuild = ReleaseBuilds.CrashingExecutableAsync(Runtime);
        var prefixReady = wine.CreateAsync(work);
        var install = Path.Combine(work, "Program Files", "PEC Uploader");
        var launcher = Path.Combine(install, "uploader.exe");
        var config = Path.Combine(work, "ProgramData", "PEC Uploader", "config.json");
        var taskFile = Path.Combine(work, "wineprefix", "drive_c", "windows", "system32", "tasks", "PEC Uploader", "Daily run");
        Task<ProcessResult> Uploader(params string[] arguments) => wine.RunAsync(launcher, arguments, work, TimeSpan.FromMinutes(5));
        Task<ProcessResult> Run() => Uploader("run", "--config", WindowsPath(config)); // what the daily task starts
        try
        {
            var (publicKey, privateKey) = await KeygenAsync(work);
            var options = new LocalPipelineOptions();
            options.FunctionsEnvironment["Releases__SigningPublicKeys"] = publicKey;
            await using var pipeline = await LocalPipeline.StartAsync(options);
            var site = await pipeline.AddMunicipalityAsync("2304400", "Fortaleza (teste)", 300, seed: 26);
            var pecRoot = await PecInstallLayout.CreateAsync(pipeline, site, work);
            var listKey = Path.Combine(work, "operator-list-signing.pub.pem");
            await File.WriteAllTextAsync(listKey, new string(System.Security.Cryptography.PemEncoding.Write("PUBLIC KEY", Convert.FromBase64String(pipeline.ListSigningPublicKey))));
            Assert.True((await prefixReady).ExitCode == 0, "wine could not create its prefix");

            // v1 installed as a municipal IT person installs it, the operator's release key pinned.
            Directory.CreateDirectory(install);
            var v1Package = await v1Build;
            Assert.True(v1Package.Packaging.ExitCode == 0, v1Package.Packaging.Combined);
            var v1 = v1Package.Executable;
            File.Copy(v1, launcher);
            var installed = await Uploader(
                "install", "--endpoint", pipeline.Endpoint.ToString(), "--token", site.Token, "--config", WindowsPath(config),
                "--spool", WindowsPath(Path.Combine(work, "spool")), "--log-dir", WindowsPath(Path.Combine(work, "logs")),
                "--pec-root", WindowsPath(pecRoot), "--list-signing-key", WindowsPath(listKey), "--release-signing-key", publicKey, "--proxy", "direct");
            Assert.True(installed.ExitCode == 0, installed.Combined);
            Assert.True(File.Exists(taskFile), "install registered no Task Scheduler task:\n" + installed.Combined);
            Assert.Equal([publicKey], JsonNode.Parse(await File.ReadAllTextAsync(config))!["releaseSigningKeys"]!.AsArray().Select(k => (string?)k));

            var first = await Run();
            Assert.True(first.ExitCode == 0, first.Combined);
            Assert.False(Directory.Exists(Path.Combine(install, "versions", V2)));

            // v2 to the canary set (this site): its next run delivers, then updates, while the launcher itself is running.
            var v2 = await v2Build;
            await PublishAsync(pipeline, Runtime, v2, V2, privateKey, work, site.Ibge);
            var loadsBefore = (await pipeline.SnapshotsAsync()).Count;
            var updating = await Run();
            Assert.True(updating.ExitCode == 0, updating.Combined);
            Assert.Contains($"updated from {V1} to {V2}", updating.Combined, StringComparison.Ordinal);
            Assert.True((await pipeline.SnapshotsAsync()).Count > loadsBefore, "the updating run delivered first");
            Assert.True(File.ReadAllBytes(Path.Combine(install, "versions", V2, "uploader.exe")).AsSpan().SequenceEqual(File.ReadAllBytes(v2)));

            // Its following run is v2, started from versions\<v2> by the same launcher the task starts.
            var second = await Run();
            Assert.True(second.ExitCode == 0, second.Combined);
            Assert.Equal(V2, await LastHeartbeatVersionAsync(pipeline, site.Ibge));
            var updated = await SiteUpdateAsync(pipeline, site.Ibge);
            Assert.Equal(("updated", V2, V1), (updated.State, updated.Version, updated.From));
            Assert.Contains($"uploader {V2} ", (await Uploader("version")).StandardOutput, StringComparison.Ordinal);
            Assert.True(File.ReadAllBytes(launcher).AsSpan().SequenceEqual(File.ReadAllBytes(v1)), "the launcher at the scheduled path was replaced");

            // A crashing v3: installed by v2 (running from versions\<v2>, which stays in place), rolled back at its first run.
            await PublishAsync(pipeline, Runtime, await crashingBuild, V3, privateKey, work, site.Ibge);
            var installsV3 = await Run();
            Assert.True(installsV3.ExitCode == 0, installsV3.Combined);
            Assert.Contains($"updated from {V2} to {V3}", installsV3.Combined, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(install, "versions", V2, "uploader.exe")), "the running release's folder was removed");
            var rollback = await Run();
            Assert.True(rollback.ExitCode == 0, rollback.Combined); // v2 ran this run after the rollback
            Assert.Contains("this release cannot start", rollback.Combined, StringComparison.Ordinal);
            Assert.Contains($"rolled back to {V2}", rollback.Combined, StringComparison.Ordinal);
            Assert.Equal(("rolled-back", V3, V2, "crashed-at-start"), await SiteUpdateAsync(pipeline, site.Ibge));
            var launcherState = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(install, "versions", "state.json")))!.AsObject();
            Assert.Equal(V2, (string?)launcherState["Current"]);
            Assert.True(launcherState["Blocked"]!.AsObject().ContainsKey(V3));
            Assert.False(Directory.Exists(Path.Combine(install, "versions", V3)), "the crashed release's folder outlived its exit");

            // A tampered v4: published and signed, then its blob replaced in storage by bytes of the same size.
            var v4 = Path.Combine(work, "v4", "uploader.exe");
            Directory.CreateDirectory(Path.GetDirectoryName(v4)!);
            File.Copy(v2, v4);
            await PublishAsync(pipeline, Runtime, v4, V4, privateKey, work, site.Ibge);
            await TamperAsync(pipeline, Runtime, V4);
            var tampered = await Run();
            Assert.True(tampered.ExitCode == 0, tampered.Combined);
            Assert.Contains("(digest-mismatch)", tampered.Combined, StringComparison.Ordinal);
            var next = await Run();
            Assert.True(next.ExitCode == 0, next.Combined);
            Assert.Equal(("update-failed", V4, V2, "digest-mismatch"), await SiteUpdateAsync(pipeline, site.Ibge));
            Assert.Equal(V2, (string?)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(install, "versions", "state.json")))!["Current"]);
            Assert.False(Directory.Exists(Path.Combine(install, "versions", V4)));
            Assert.True(File.ReadAllBytes(launcher).AsSpan().SequenceEqual(File.ReadAllBytes(v1)), "the launcher at the scheduled path was replaced");
        }
        finally
        {
            await Task.WhenAll(v1Build, v2Build, crashingBuild, prefixReady).ContinueWith(_ => { }, TaskScheduler.Default);
            await wine.StopAsync(work);
            Directory.Delete(work, recursive: true); // the prefix with it, and the tasks install registered there
        }
    }
}
