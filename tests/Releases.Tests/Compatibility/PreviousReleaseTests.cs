using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace Releases.Tests.Compatibility;

/// <summary>
/// Issue 26's compatibility item, with the previous release's own binary (<see cref="PreviousRelease"/>, built from git
/// history) against today's function app behind the host stand-in, Azurite and PostgreSQL: the wire contract holds one
/// version step back (install, doctor, run, heartbeat, fleet view), and a config file written by either release's install
/// is read and used by the other (docs/adr/0027, Consequences). tests/Uploader.Tests/Updating/ConfigCompatibilityTests
/// prove the same of today's reader alone, with hand-written files.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PreviousReleaseTests
{
    private const string List = "hipertensos";

    private static readonly Dictionary<string, string?> English = UploaderLocale.Environment(UploaderLocale.English);

    [Fact]
    public async Task The_previous_release_installs_passes_doctor_and_delivers_to_todays_backend_whose_fleet_view_shows_its_heartbeat()
    {
        var previous = await PreviousRelease.UploaderAsync();
        await using var pipeline = await LocalPipeline.StartAsync();
        var site = await pipeline.AddMunicipalityAsync("2611606", "Recife (teste)", 800, seed: 27);
        var work = pipeline.WorkPath("previous-release");
        var crontab = new CrontabStandIn(work);
        var environment = crontab.Environment(English);
        var config = Path.Combine(work, "etc", "config.json");

        var installed = await ProcessRunner.RunAsync("dotnet", [previous.Dll, .. await InstallArgumentsAsync(pipeline, site, work, config, Path.Combine(work, "spool"))], environment);
        Assert.True(installed.ExitCode == 0, installed.Combined);
        Assert.Contains($"run --config {config}", await File.ReadAllTextAsync(crontab.Table), StringComparison.Ordinal);

        var doctor = await ProcessRunner.RunAsync("dotnet", [previous.Dll, "doctor", "--config", config], environment);
        Assert.True(doctor.ExitCode == 0, doctor.Combined);

        var run = await ProcessRunner.RunAsync("dotnet", [previous.Dll, "run", "--config", config], environment, timeout: TimeSpan.FromMinutes(10));
        Assert.True(run.ExitCode == 0, run.Combined);
        var loads = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(SnapshotStatuses.Loaded, Assert.Single(loads).Status);
        var comparison = await pipeline.CompareAsync(site, List);
        Assert.True(comparison.Equal, comparison.ToString());

        // The run's own heartbeat was taken (the backend validates every report against today's contract) ...
        Assert.Equal((previous.Version, RunOutcomes.Ok), await LastRunHeartbeatAsync(pipeline, site.Ibge));

        // ... and the fleet view shows the site on the previous release, green, with the list loaded.
        var adminToken = (await pipeline.FunctionsCommandAsync(["admin", "issue-token", "--name", "compatibility-test"])).StandardOutput.Trim();
        using var admin = new HttpClient { BaseAddress = pipeline.Endpoint };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var fleet = (await admin.GetFromJsonAsync<JsonArray>(ApiRoutes.AdminFleet))!;
        var row = Assert.Single(fleet, s => (string?)s!["ibge"] == site.Ibge)!;
        Assert.Equal(previous.Version, (string?)row["uploaderVersion"]);
        Assert.Equal((RunOutcomes.Ok, "green"), ((string?)row["lastOutcome"], (string?)row["status"]));
        Assert.False(string.IsNullOrEmpty((string?)row["lastLoadedByList"]?[List]), row.ToJsonString());
    }

    [Fact]
    public async Task A_config_written_by_either_releases_install_is_read_by_the_other_releases_doctor_and_run_which_deliver()
    {
        var previous = await PreviousRelease.UploaderAsync();
        await using var pipeline = await LocalPipeline.StartAsync();
        var site = await pipeline.AddMunicipalityAsync("2927408", "Salvador (teste)", 600, seed: 28);
        var work = pipeline.WorkPath("both-releases");
        var environment = new CrontabStandIn(work).Environment(English);
        var releaseKey = (await ProcessRunner.RunCheckedAsync("dotnet", [RepoPaths.FunctionsDll, "releases", "keygen", "--out", Path.Combine(work, "release-key")]))
            .StandardOutput.Trim().Split('\n')[^1].Trim();

        // Today's install writes what the previous release never knew (the pinned release key); the previous release
        // reads past it.
        var todaysConfig = Path.Combine(work, "todays", "config.json");
        var installedToday = await ProcessRunner.RunAsync(
            "dotnet", [RepoPaths.UploaderDll, .. await InstallArgumentsAsync(pipeline, site, work, todaysConfig, Path.Combine(work, "todays", "spool")), "--release-signing-key", releaseKey], environment);
        Assert.True(installedToday.ExitCode == 0, installedToday.Combined);
        Assert.Equal(releaseKey, (string?)JsonNode.Parse(await File.ReadAllTextAsync(todaysConfig))!["releaseSigningKeys"]?[0]);
        await AssertDoctorAndRunDeliverAsync(pipeline, previous.Dll, todaysConfig, environment, expectedLoads: 1);

        // The previous release's install writes a config without the self-update settings; today's release reads it.
        var previousConfig = Path.Combine(work, "previous", "config.json");
        var installedBefore = await ProcessRunner.RunAsync(
            "dotnet", [previous.Dll, .. await InstallArgumentsAsync(pipeline, site, work, previousConfig, Path.Combine(work, "previous", "spool"))], environment);
        Assert.True(installedBefore.ExitCode == 0, installedBefore.Combined);
        Assert.Null(JsonNode.Parse(await File.ReadAllTextAsync(previousConfig))!["releaseSigningKeys"]);
        await AssertDoctorAndRunDeliverAsync(pipeline, RepoPaths.UploaderDll, previousConfig, environment, expectedLoads: 2);

        var comparison = await pipeline.CompareAsync(site, List);
        Assert.True(comparison.Equal, comparison.ToString());
    }

    /// <summary>Doctor passes and a run delivers (one more snapshot received, every one settled as loaded or skipped).</summary>
    private static async Task AssertDoctorAndRunDeliverAsync(LocalPipeline pipeline, string uploaderDll, string config, Dictionary<string, string?> environment, int expectedLoads)
    {
        var doctor = await ProcessRunner.RunAsync("dotnet", [uploaderDll, "doctor", "--config", config], environment);
        Assert.True(doctor.ExitCode == 0, $"{uploaderDll} doctor:\n{doctor.Combined}");
        var run = await ProcessRunner.RunAsync("dotnet", [uploaderDll, "run", "--config", config], environment, timeout: TimeSpan.FromMinutes(10));
        Assert.True(run.ExitCode == 0, $"{uploaderDll} run:\n{run.Combined}");
        var loads = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3), expectedAtLeast: expectedLoads);
        Assert.Equal(expectedLoads, loads.Count);
        Assert.All(loads, l => Assert.Contains(l.Status, new[] { SnapshotStatuses.Loaded, SnapshotStatuses.Skipped }));
    }

    /// <summary>
    /// The arguments of <c>uploader install</c> as a technician types them (the same in both releases): the PEC install
    /// found on disk, cron as the scheduler, the operator's list key as a PEM file.
    /// </summary>
    private static async Task<string[]> InstallArgumentsAsync(LocalPipeline pipeline, Municipality site, string work, string config, string spool)
    {
        var pecRoot = Path.Combine(work, "e-SUS");
        if (!Directory.Exists(pecRoot))
        {
            pecRoot = await PecInstallLayout.CreateAsync(pipeline, site, work);
        }

        var listKey = Path.Combine(work, "operator-list-signing.pub.pem");
        await File.WriteAllTextAsync(listKey, new string(System.Security.Cryptography.PemEncoding.Write("PUBLIC KEY", Convert.FromBase64String(pipeline.ListSigningPublicKey))));
        return
        [
            "install", "--endpoint", pipeline.Endpoint.ToString(), "--token", site.Token, "--config", config, "--spool", spool,
            "--log-dir", Path.Combine(Path.GetDirectoryName(config)!, "logs"), "--pec-root", pecRoot, "--scheduler", "cron",
            "--window-start", "01:00", "--window-hours", 1.ToString(CultureInfo.InvariantCulture), "--list-signing-key", listKey,
        ];
    }

    private static async Task<(string? Version, string? Outcome)> LastRunHeartbeatAsync(LocalPipeline pipeline, string site)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT report->>'uploaderVersion', report->>'outcome' FROM ingest.heartbeats WHERE site_id = @site AND report->>'kind' = @kind ORDER BY received_at DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("site", site);
        command.Parameters.AddWithValue("kind", HeartbeatKinds.Run);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : default;
    }
}
