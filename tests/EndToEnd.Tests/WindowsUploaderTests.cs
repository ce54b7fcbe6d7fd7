using LocalInfra;

namespace EndToEnd.Tests;

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
        var wine = FindWine() ?? throw new InvalidOperationException("Wine is not installed: run scripts/install-deps.sh (apt wine64).");
        var work = Directory.CreateTempSubdirectory("wine-uploader-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["WINEPREFIX"] = Path.Combine(work, "wineprefix"),
            ["WINEDEBUG"] = "-all",
            ["WINEDLLOVERRIDES"] = "mscoree,mshtml=", // no Mono/Gecko install prompts at prefix creation
            ["LANG"] = "C.UTF-8",
            ["LC_ALL"] = null,
        };

        // The exe is built (about a minute) while Wine creates its prefix and the local stack starts.
        var package = ProcessRunner.RunAsync(
            "bash", [Path.Combine(RepoPaths.Root, "scripts", "package.sh"), "--no-functions", "--uploader", "win-x64", "--out", Path.Combine(work, "package")],
            timeout: TimeSpan.FromMinutes(10));
        var prefixReady = ProcessRunner.RunAsync(wine, ["cmd", "/c", "ver"], environment, work, TimeSpan.FromMinutes(3));
        var taskFile = Path.Combine(work, "wineprefix", "drive_c", "windows", "system32", "tasks", "PEC Uploader", "Daily run");
        var config = Path.Combine(work, "ProgramData", "config.json");
        Func<string[], Task<ProcessResult>>? uploader = null;
        try
        {
            await using var pipeline = await LocalPipeline.StartAsync();
            var site = await pipeline.AddMunicipalityAsync("2304400", "Fortaleza (teste)", 1_200, seed: 21);
            var built = await package;
            Assert.True(built.ExitCode == 0, built.Combined);
            Assert.True((await prefixReady).ExitCode == 0, "wine could not create its prefix");
            var exe = Path.Combine(work, "package", "uploader-win-x64", "uploader.exe");
            uploader = arguments => ProcessRunner.RunAsync(wine, [exe, .. arguments], environment, work, TimeSpan.FromMinutes(5));

            // The single-file, self-contained, trimmed build starts and parses its command line.
            var version = await uploader(["version"]);
            Assert.True(version.ExitCode == 0, version.Combined);
            var declared = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "uploader", "Uploader.csproj")), "<Version>([^<]+)</Version>").Groups[1].Value;
            Assert.Contains($"uploader {declared} ", version.StandardOutput, StringComparison.Ordinal);

            // PEC's own files as the Windows installer lays them out, and the operator's key as a PEM file.
            var pecRoot = await PecInstallLayout.CreateAsync(pipeline, site, work);
            var key = Path.Combine(work, "operator-list-signing.pub.pem");
            await File.WriteAllTextAsync(key, new string(System.Security.Cryptography.PemEncoding.Write("PUBLIC KEY", Convert.FromBase64String(pipeline.ListSigningPublicKey))));

            var install = await uploader([
                "install", "--endpoint", pipeline.Endpoint.ToString(), "--token", site.Token, "--config", Windows(config),
                "--spool", Windows(Path.Combine(work, "spool")), "--log-dir", Windows(Path.Combine(work, "logs")),
                "--pec-root", Windows(pecRoot), "--list-signing-key", Windows(key), "--proxy", "direct"]);
            Assert.True(install.ExitCode == 0, install.Combined);
            Assert.Contains($"Username={PecInstallLayout.ReadOnlyRole}", await File.ReadAllTextAsync(config), StringComparison.Ordinal);
            // Wine's schtasks /Query answers 0 for any name, so the task store itself is looked at.
            Assert.True(File.Exists(taskFile), "install registered no Task Scheduler task:\n" + install.Combined);
            // Wine keeps the task's name, description and settings but drops its trigger, principal and action; the
            // XML install hands to schtasks is pinned by the uploader's unit tests (ScheduleDefinitions).
            Assert.Contains(@"<URI>\PEC Uploader\Daily run</URI>", await File.ReadAllTextAsync(taskFile), StringComparison.Ordinal);

            var doctor = await uploader(["doctor", "--config", Windows(config)]);
            Assert.True(doctor.ExitCode == 0, doctor.Combined);

            // What the task would start: the lists are extracted, verified against the operator's key, sent and loaded.
            var run = await uploader(["run", "--config", Windows(config)]);
            Assert.True(run.ExitCode == 0, run.Combined);
            var loaded = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(2));
            Assert.All(loaded, s => Assert.Equal("loaded", s.Status));
            Assert.Contains(loaded, s => s.List == "hipertensos");
            var comparison = await pipeline.CompareAsync(site, "hipertensos");
            Assert.True(comparison.Equal, comparison.ToString());

            var status = await uploader(["status", "--config", Windows(config)]);
            Assert.True(status.ExitCode == 0, status.Combined);
            Assert.Matches(@"hipertensos\s+[0-9a-f-]{36}\s+loaded: [\d,.]+ new", status.StandardOutput);

            var uninstall = await uploader(["uninstall", "--config", Windows(config)]);
            Assert.True(uninstall.ExitCode == 0, uninstall.Combined);
            Assert.False(File.Exists(taskFile), "uninstall left the Task Scheduler task:\n" + uninstall.Combined);
        }
        finally
        {
            if (uploader is not null && File.Exists(taskFile))
            {
                await uploader(["uninstall", "--config", Windows(config)]); // after a failure above: leave no task behind
            }

            await package.ContinueWith(_ => { }, TaskScheduler.Default);
            await prefixReady.ContinueWith(_ => { }, TaskScheduler.Default);
            // Wine leaves its server (and services such as schedsvc) running per prefix: stop this prefix's only.
            await ProcessRunner.RunAsync(File.Exists("/usr/bin/wineserver") ? "/usr/bin/wineserver" : "/usr/lib/wine/wineserver", ["-k"], environment, work);
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>A Linux path as a Wine program sees it: drive Z: is the root.</summary>
    private static string Windows(string path) => "Z:" + path.Replace('/', '\\');

    /// <summary>`wine` on PATH (Debian's wine package) or the wine64 loader alone (wine64 without its recommends).</summary>
    private static string? FindWine()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
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
