using System.Globalization;
using LocalInfra;

namespace EndToEnd.Tests;

/// <summary>
/// The real uploader installed on this Linux machine: PEC's config files in their places, a real cron entry that
/// really runs the job, the first transmission loaded centrally, doctor passing, and re-install changing nothing.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstallForRealTests
{
    private const string Marker = "# pec-uploader";

    private static readonly Dictionary<string, string?> Brazilian = UploaderLocale.Environment(UploaderLocale.Brazilian);

    [Fact]
    public async Task Install_registers_a_cron_job_that_runs_and_delivers_and_reinstalling_changes_nothing()
    {
        await using var pipeline = await LocalPipeline.StartAsync();
        var site = await pipeline.AddMunicipalityAsync("5300108", "Brasília (teste)", 1500, seed: 5);
        var work = Directory.CreateTempSubdirectory("install-real-").FullName;
        var pecRoot = await PecInstallLayout.CreateAsync(pipeline, site, work);
        var config = Path.Combine(work, "etc", "config.json");
        var startedCron = await EnsureCronRunningAsync();
        // The window is the coming minute after next, so cron fires within two minutes.
        var at = DateTime.Now.AddMinutes(2);
        // The operator's public key as handed over: a PEM file.
        var operatorPublicKey = Path.Combine(work, "operator-list-signing.pub.pem");
        await File.WriteAllTextAsync(operatorPublicKey, new string(System.Security.Cryptography.PemEncoding.Write("PUBLIC KEY", Convert.FromBase64String(pipeline.ListSigningPublicKey))));
        string[] install =
        [
            RepoPaths.UploaderDll, "install", "--endpoint", pipeline.Endpoint.ToString(), "--token", site.Token, "--config", config,
            "--spool", Path.Combine(work, "spool"), "--log-dir", Path.Combine(work, "logs"), "--pec-root", pecRoot, "--scheduler", "cron",
            "--window-start", at.ToString("HH:mm", CultureInfo.InvariantCulture), "--window-hours", (1 / 60.0).ToString("R", CultureInfo.InvariantCulture),
            "--list-signing-key", operatorPublicKey,
        ];
        try
        {
            // A Brazilian technician's terminal: install speaks Portuguese and records it for the scheduled runs.
            var installed = await ProcessRunner.RunAsync("dotnet", install, Brazilian);
            Assert.True(installed.ExitCode == 0, installed.Combined);
            Assert.Contains("Instalado.", installed.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(PecInstallLayout.ReadOnlyRole, await File.ReadAllTextAsync(config), StringComparison.Ordinal);
            Assert.Contains("\"language\": \"pt-BR\"", await File.ReadAllTextAsync(config), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
            var crontab = await CrontabAsync();
            // Two entries: the daily run, and the watch service for minute-level lists started at boot (ADR 0023).
            var ours = crontab.Split('\n').Where(l => l.Contains(Marker, StringComparison.Ordinal)).ToList();
            var line = Assert.Single(ours, l => !l.StartsWith("@reboot ", StringComparison.Ordinal));
            Assert.StartsWith($"{at.Minute} {at.Hour} * * * ", line, StringComparison.Ordinal);
            Assert.Contains($"watch --config {config}", Assert.Single(ours, l => l.StartsWith("@reboot ", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.Contains($"run --config {config}", line, StringComparison.Ordinal);

            // Cron runs the job by itself; the transmission arrives and is loaded.
            var loaded = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(4));
            Assert.Equal("loaded", Assert.Single(loaded).Status);
            Assert.True((await pipeline.CompareAsync(site, "hipertensos")).Equal);
            // cron starts the job without LANG: it speaks the language install recorded.
            Assert.Contains("execução concluída: tudo enviado", await File.ReadAllTextAsync(Path.Combine(work, "logs", "uploader.log")), StringComparison.Ordinal);

            var doctor = await ProcessRunner.RunAsync("dotnet", [RepoPaths.UploaderDll, "doctor", "--config", config], Brazilian);
            Assert.True(doctor.ExitCode == 0, doctor.Combined);

            var configBefore = await File.ReadAllBytesAsync(config);
            var again = await ProcessRunner.RunAsync("dotnet", install, Brazilian);
            Assert.True(again.ExitCode == 0, again.Combined);
            Assert.Equal(configBefore, await File.ReadAllBytesAsync(config));
            Assert.Equal(crontab, await CrontabAsync());
        }
        finally
        {
            await ProcessRunner.RunAsync("dotnet", [RepoPaths.UploaderDll, "uninstall", "--config", config]);
            Assert.DoesNotContain(Marker, await CrontabAsync(), StringComparison.Ordinal);
            if (startedCron)
            {
                await ProcessRunner.RunAsync("pkill", ["-x", "cron"]);
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> CrontabAsync() => (await ProcessRunner.RunAsync("crontab", ["-l"])).StandardOutput;

    /// <summary>Starts the cron daemon when it is not running; true when this test started it (and must stop it).</summary>
    private static async Task<bool> EnsureCronRunningAsync()
    {
        if ((await ProcessRunner.RunAsync("pgrep", ["-x", "cron"])).ExitCode == 0)
        {
            return false;
        }

        await ProcessRunner.RunCheckedAsync("/usr/sbin/cron", []);
        return true;
    }
}
