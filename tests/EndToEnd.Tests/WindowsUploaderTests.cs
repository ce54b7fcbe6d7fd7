using LocalInfra;

namespace EndToEnd.Tests;

/// <summary>
/// The build most municipalities run: the shipped win-x64 single-file uploader.exe (scripts/package.sh), under Wine.
/// Wine 8 (Debian's wine64) has no ECDSA in its CNG (ncrypt answers NTE_NOT_SUPPORTED, 0x80090029, to every P-256
/// import), and the uploader refuses to work without verifying the operator's list-signing key. So under Wine the
/// exe can only show that it starts and that install, given the key and a real PEC layout (paths through drive Z:),
/// fails closed: exit 2, nothing written, no task registered. The full install → doctor → run → status → uninstall
/// needs real Windows (or a Wine with ECDSA); docs/uploader-windows.md. When this test fails because install
/// succeeded, Wine has gained ECDSA: extend it to the whole flow.
/// </summary>
public sealed class WindowsUploaderTests
{
    [Fact]
    public async Task The_shipped_uploader_exe_starts_under_wine_and_install_fails_closed_without_ECDSA()
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

        // The exe is built (about a minute) while Wine creates its prefix.
        var package = ProcessRunner.RunAsync(
            "bash", [Path.Combine(RepoPaths.Root, "scripts", "package.sh"), "--no-functions", "--uploader", "win-x64", "--out", Path.Combine(work, "package")],
            timeout: TimeSpan.FromMinutes(10));
        var prefixReady = ProcessRunner.RunAsync(wine, ["cmd", "/c", "ver"], environment, work, TimeSpan.FromMinutes(3));
        try
        {
            var built = await package;
            Assert.True(built.ExitCode == 0, built.Combined);
            Assert.True((await prefixReady).ExitCode == 0, "wine could not create its prefix");
            var exe = Path.Combine(work, "package", "uploader-win-x64", "uploader.exe");

            Task<ProcessResult> Uploader(params string[] arguments) =>
                ProcessRunner.RunAsync(wine, [exe, .. arguments], environment, work, TimeSpan.FromMinutes(5));

            // The single-file, self-contained, trimmed build starts and parses its command line.
            var version = await Uploader("version");
            Assert.True(version.ExitCode == 0, version.Combined);
            Assert.Contains("0.1.0", version.StandardOutput, StringComparison.Ordinal);

            // PEC's own files as the Windows installer lays them out, and the operator's key as a PEM file.
            var pecConfig = Path.Combine(work, "e-SUS", "webserver", "config");
            Directory.CreateDirectory(pecConfig);
            await File.WriteAllTextAsync(Path.Combine(pecConfig, "application.properties"),
                "spring.datasource.url=jdbc:postgresql://127.0.0.1:5433/esus\nspring.datasource.username=postgres\nspring.datasource.password=\n");
            using var signing = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var key = Path.Combine(work, "operator-list-signing.pub.pem");
            await File.WriteAllTextAsync(key, signing.ExportSubjectPublicKeyInfoPem());
            var config = Path.Combine(work, "ProgramData", "config.json");

            var install = await Uploader(
                "install", "--endpoint", "http://127.0.0.1:9/", "--token", "pec_unused", "--config", Windows(config),
                "--spool", Windows(Path.Combine(work, "spool")), "--log-dir", Windows(Path.Combine(work, "logs")),
                "--pec-root", Windows(Path.Combine(work, "e-SUS")), "--list-signing-key", Windows(key), "--proxy", "direct");

            // Fails closed on the key, before any other step: exit 2 (config), no config, no task.
            Assert.True(install.ExitCode == 2, "install under Wine did not fail on the key as Wine 8 makes it (has Wine gained ECDSA?):\n" + install.Combined);
            Assert.Contains("--list-signing-key must be the operator's public key", install.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("not an ECDSA P-256 public key", install.StandardOutput, StringComparison.Ordinal);
            Assert.False(File.Exists(config));
            // Wine's schtasks /Query answers 0 for any name, so the task store itself is looked at.
            Assert.False(File.Exists(Path.Combine(work, "wineprefix", "drive_c", "windows", "system32", "tasks", "PEC Uploader", "Daily run")));
        }
        finally
        {
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
