using System.Text.Json.Nodes;
using LocalInfra;
using static Releases.Tests.SelfUpdate.ReleaseOperator;

namespace Releases.Tests.SelfUpdate;

/// <summary>
/// The whole update path on Linux with real parts: two builds of this source at their own versions, 1.0.0 installed as
/// the launcher at a fixed path and 1.1.0 shipped through the backend; the function app behind the host stand-in,
/// Azurite, PostgreSQL; the operator's own commands (releases keygen, sign, publish, rollout). A broken release is a
/// signed script that passes doctor and exits 1 when run (what a release crashing at start looks like to the launcher);
/// a tampered release is a published one whose blob is overwritten in storage (same size, other bytes).
/// </summary>
/// <remarks>
/// Only 1.0.0 is NativeAOT, the form package.sh ships for linux-x64: it is the installed binary, hence the launcher
/// every later release runs under (docs/adr/0027). So the launcher (trial, rollback, state file) and the first update
/// (manifest, download, checks, doctor gate, switch) run in the shipped form; the later updates and the refusal of the
/// tampered one run in 1.1.0, the same code under the JIT. 1.1.0 is the same source published as a JIT single-file executable
/// (<see cref="ReleaseBuilds.SingleFileExecutableAsync"/>): still a real build with its own version, signed, downloaded,
/// doctor-gated and started by the launcher. A second NativeAOT publish only proved again that NativeAOT compiles, and
/// the JIT single-file publish takes 0.42 of its time (docs/benchmarks.md: about 90 s of a roughly 12-minute CI run).
/// Whether a NativeAOT 1.1.0 starts is the same question as whether 1.0.0 does, and every run before the update
/// answers it.
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SelfUpdateEndToEndTests
{
    private const string Runtime = "linux-x64";

    [Fact]
    public async Task A_canary_site_delivers_then_updates_then_runs_the_new_release_rolls_back_a_broken_one_and_refuses_a_tampered_one()
    {
        var work = Directory.CreateTempSubdirectory("selfupdate-e2e-").FullName;
        var v1Build = ReleaseBuilds.ExecutableAsync(Runtime, "1.0.0");
        var v2Build = ReleaseBuilds.SingleFileExecutableAsync(Runtime, "1.1.0");

        // The operator's release key, made offline (no database, no storage).
        var (publicKey, privateKey) = await KeygenAsync(work);

        var options = new LocalPipelineOptions();
        options.FunctionsEnvironment["Releases__SigningPublicKeys"] = publicKey;
        await using var pipeline = await LocalPipeline.StartAsync(options);
        var site = await pipeline.AddMunicipalityAsync("2304400", "Fortaleza (teste)", 300, seed: 26);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(site.ConfigPath))!;
        config["releaseSigningKeys"] = new JsonArray(publicKey);
        await File.WriteAllTextAsync(site.ConfigPath, config.ToJsonString());

        // v1 installed: the binary at the fixed path the schedule starts is the launcher.
        var install = Path.Combine(work, "opt", "pec-uploader");
        Directory.CreateDirectory(install);
        var launcher = Path.Combine(install, "uploader");
        File.Copy(await v1Build, launcher);
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // The OS scheduler is not what this test is about (InstallForRealTests registers for real): a crontab command
        // that lists the daily run's line stands in for it, so the new release's doctor sees the schedule install made.
        var bin = Path.Combine(work, "bin");
        Directory.CreateDirectory(bin);
        await File.WriteAllTextAsync(Path.Combine(bin, "crontab"), $"#!/bin/sh\necho '5 1 * * * {launcher} run --config {site.ConfigPath} # pec-uploader (managed by '\\''uploader install'\\'')'\n");
        File.SetUnixFileMode(Path.Combine(bin, "crontab"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string?>(UploaderLocale.Environment(UploaderLocale.English))
        {
            ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
        };
        Task<ProcessResult> Run(string command = "run") =>
            ProcessRunner.RunAsync(launcher, [command, "--config", site.ConfigPath], environment, work, TimeSpan.FromMinutes(10));

        var first = await Run();
        Assert.True(first.ExitCode == 0, first.Combined);
        Assert.False(Directory.Exists(Path.Combine(install, "versions", "1.1.0")));

        // v2 to the canary set (this site): its next run delivers, then updates.
        var v2 = await v2Build;
        await PublishAsync(pipeline, Runtime, v2, "1.1.0", privateKey, work, site.Ibge);
        var loadsBefore = (await pipeline.SnapshotsAsync()).Count;
        var updating = await Run();
        Assert.True(updating.ExitCode == 0, updating.Combined);
        Assert.Contains("updated from 1.0.0 to 1.1.0", updating.Combined, StringComparison.Ordinal);
        Assert.True((await pipeline.SnapshotsAsync()).Count > loadsBefore, "the updating run delivered first");
        Assert.True(File.ReadAllBytes(Path.Combine(install, "versions", "1.1.0", "uploader")).AsSpan().SequenceEqual(File.ReadAllBytes(v2)));

        // Its following run is v2, and the fleet hears of the update.
        var second = await Run();
        Assert.True(second.ExitCode == 0, second.Combined);
        Assert.Equal("1.1.0", await LastHeartbeatVersionAsync(pipeline, site.Ibge));
        var updated = await SiteUpdateAsync(pipeline, site.Ibge);
        Assert.Equal(("updated", "1.1.0", "1.0.0"), (updated.State, updated.Version, updated.From));
        Assert.Contains("uploader 1.1.0", (await Run("version")).StandardOutput, StringComparison.Ordinal);

        // A broken v3: passes its doctor, exits 1 when it runs. Installed, then rolled back at its first run.
        var broken = Path.Combine(work, "v3", "uploader");
        Directory.CreateDirectory(Path.GetDirectoryName(broken)!);
        await File.WriteAllTextAsync(broken, "#!/bin/sh\ncase \"$1\" in doctor) exit 0 ;; *) echo 'v3 cannot start' >&2; exit 1 ;; esac\n");
        await PublishAsync(pipeline, Runtime, broken, "1.2.0", privateKey, work, site.Ibge);
        var installsV3 = await Run();
        Assert.True(installsV3.ExitCode == 0, installsV3.Combined);
        Assert.Contains("updated from 1.1.0 to 1.2.0", installsV3.Combined, StringComparison.Ordinal);
        var rollback = await Run();
        Assert.True(rollback.ExitCode == 0, rollback.Combined); // v2 ran this run after the rollback
        Assert.Contains("rolled back to 1.1.0", rollback.Combined, StringComparison.Ordinal);
        Assert.Equal(("rolled-back", "1.2.0", "1.1.0", "crashed-at-start"), await SiteUpdateAsync(pipeline, site.Ibge));
        var launcherState = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(install, "versions", "state.json")))!.AsObject();
        Assert.Equal("1.1.0", (string?)launcherState["Current"]);
        Assert.True(launcherState["Blocked"]!.AsObject().ContainsKey("1.2.0"));

        // A tampered v4: published and signed, then its blob replaced in storage by bytes of the same size.
        var v4 = Path.Combine(work, "v4", "uploader");
        Directory.CreateDirectory(Path.GetDirectoryName(v4)!);
        File.Copy(v2, v4);
        await PublishAsync(pipeline, Runtime, v4, "1.3.0", privateKey, work, site.Ibge);
        await TamperAsync(pipeline, Runtime, "1.3.0");
        var tampered = await Run();
        Assert.True(tampered.ExitCode == 0, tampered.Combined);
        Assert.Contains("(digest-mismatch)", tampered.Combined, StringComparison.Ordinal);
        var next = await Run();
        Assert.True(next.ExitCode == 0, next.Combined);
        Assert.Equal(("update-failed", "1.3.0", "1.1.0", "digest-mismatch"), await SiteUpdateAsync(pipeline, site.Ibge));
        Assert.Equal("1.1.0", (string?)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(install, "versions", "state.json")))!["Current"]);
        Assert.False(Directory.Exists(Path.Combine(install, "versions", "1.3.0")));
    }
}
