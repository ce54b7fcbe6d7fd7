using Releases.Tests.SelfUpdate;
using LocalInfra;
using static Releases.Tests.WinePrefix;

namespace Releases.Tests;

/// <summary>
/// The build most municipalities run: the shipped win-x64 single-file uploader.exe (scripts/package.sh), under Wine,
/// through its whole life against the local stack: install on a PEC layout (paths through drive Z:) registers the Task
/// Scheduler task with Wine's schtasks, doctor passes, run delivers and the list loads centrally equal to the source,
/// status tells it, uninstall removes the task. Wine 8's CNG has no ECDSA; the list signatures are verified in
/// managed code on every OS (docs/adr/0016-managed-signature-verification.md), so Wine runs the real flow. What Wine
/// cannot show (ACLs, the SYSTEM account, the task firing on its own): docs/uploader-windows.md.
/// </summary>
public sealed class WindowsUploaderTests
{
    [Fact]
    public async Task The_shipped_uploader_exe_installs_runs_delivers_reports_and_uninstalls_under_wine()
    {
        var work = Directory.CreateTempSubdirectory("wine-uploader-").FullName;
        var wine = WinePrefix.At(Path.Combine(work, "wineprefix"));

        // The exe is packaged (a minute or more, once per test process: the self-update test under Wine shares it) while
        // Wine creates its prefix and the local stack starts.
        var package = ReleaseBuilds.WindowsPackageAsync();
        var prefixReady = wine.CreateAsync(work);
        var taskFile = Path.Combine(work, "wineprefix", "drive_c", "windows", "system32", "tasks", "PEC Uploader", "Daily run");
        var config = Path.Combine(work, "ProgramData", "config.json");
        Func<string[], Task<ProcessResult>>? uploader = null;
        try
        {
            await using var pipeline = await LocalPipeline.StartAsync();
            var site = await pipeline.AddMunicipalityAsync("2304400", "Fortaleza (teste)", 1_200, seed: 21);
            var built = await package;
            Assert.True(built.Packaging.ExitCode == 0, built.Packaging.Combined);
            Assert.True((await prefixReady).ExitCode == 0, "wine could not create its prefix");
            var exe = Path.Combine(work, "uploader.exe");
            File.Copy(built.Executable, exe);
            uploader = arguments => wine.RunAsync(exe, arguments, work, TimeSpan.FromMinutes(5));

            // The single-file, self-contained, trimmed build starts and parses its command line.
            var version = await uploader(["version"]);
            Assert.True(version.ExitCode == 0, version.Combined);
            Assert.Contains($"uploader {ReleaseBuilds.DeclaredVersion} ", version.StandardOutput, StringComparison.Ordinal);

            // PEC's own files as the Windows installer lays them out, and the operator's key as a PEM file.
            var pecRoot = await PecInstallLayout.CreateAsync(pipeline, site, work);
            var key = Path.Combine(work, "operator-list-signing.pub.pem");
            await File.WriteAllTextAsync(key, new string(System.Security.Cryptography.PemEncoding.Write("PUBLIC KEY", Convert.FromBase64String(pipeline.ListSigningPublicKey))));

            var install = await uploader([
                "install", "--endpoint", pipeline.Endpoint.ToString(), "--token", site.Token, "--config", WindowsPath(config),
                "--spool", WindowsPath(Path.Combine(work, "spool")), "--log-dir", WindowsPath(Path.Combine(work, "logs")),
                "--pec-root", WindowsPath(pecRoot), "--list-signing-key", WindowsPath(key), "--proxy", "direct"]);
            Assert.True(install.ExitCode == 0, install.Combined);
            Assert.Contains($"Username={PecInstallLayout.ReadOnlyRole}", await File.ReadAllTextAsync(config), StringComparison.Ordinal);
            // Wine's schtasks /Query answers 0 for any name, so the task store itself is looked at.
            Assert.True(File.Exists(taskFile), "install registered no Task Scheduler task:\n" + install.Combined);
            // Wine keeps the task's name, description and settings but drops its trigger, principal and action; the
            // XML install hands to schtasks is pinned by the uploader's unit tests (ScheduleDefinitions).
            Assert.Contains(@"<URI>\PEC Uploader\Daily run</URI>", await File.ReadAllTextAsync(taskFile), StringComparison.Ordinal);

            var doctor = await uploader(["doctor", "--config", WindowsPath(config)]);
            Assert.True(doctor.ExitCode == 0, doctor.Combined);

            // What the task would start: the lists are extracted, verified against the operator's key, sent and loaded.
            var run = await uploader(["run", "--config", WindowsPath(config)]);
            Assert.True(run.ExitCode == 0, run.Combined);
            var loaded = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(2));
            Assert.All(loaded, s => Assert.Equal("loaded", s.Status));
            Assert.Contains(loaded, s => s.List == "hipertensos");
            var comparison = await pipeline.CompareAsync(site, "hipertensos");
            Assert.True(comparison.Equal, comparison.ToString());

            var status = await uploader(["status", "--config", WindowsPath(config)]);
            Assert.True(status.ExitCode == 0, status.Combined);
            Assert.Matches(@"hipertensos\s+[0-9a-f-]{36}\s+loaded: [\d,.]+ new", status.StandardOutput);

            var uninstall = await uploader(["uninstall", "--config", WindowsPath(config)]);
            Assert.True(uninstall.ExitCode == 0, uninstall.Combined);
            Assert.False(File.Exists(taskFile), "uninstall left the Task Scheduler task:\n" + uninstall.Combined);
        }
        finally
        {
            if (uploader is not null && File.Exists(taskFile))
            {
                await uploader(["uninstall", "--config", WindowsPath(config)]); // after a failure above: leave no task behind
            }

            await package.ContinueWith(_ => { }, TaskScheduler.Default);
            await prefixReady.ContinueWith(_ => { }, TaskScheduler.Default);
            await wine.StopAsync(work);
            Directory.Delete(work, recursive: true);
        }
    }
}
