using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Releases;

/// <summary>
/// Watching a rollout: heartbeats from canary sites (one updated, one rolled back) reach <c>releases status</c> (sites on
/// the target over sites offered it, failures) and the fleet view (each site's version and last update); and the fleet
/// rollback sends an older build, signed as a higher version, to every site at once. Real processes, PostgreSQL, Azurite.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class RolloutProgressTests(InfraFixture infra) : IDisposable
{
    private const string Runtime = ReleaseRuntimes.LinuxX64;
    private readonly ReleaseTestKit _kit = new(infra);

    public void Dispose() => _kit.Dispose();

    private static async Task HeartbeatAsync(HttpClient http, string token, string running, JsonObject? update)
    {
        var body = new JsonObject
        {
            ["kind"] = "run", ["uploaderVersion"] = running, ["os"] = "linux", ["sentAt"] = DateTimeOffset.UtcNow.ToString("O"), ["outcome"] = "ok", ["update"] = update,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Heartbeats) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await http.SendAsync(request);
        Assert.True(answer.StatusCode == HttpStatusCode.NoContent, await answer.Content.ReadAsStringAsync());
    }

    private async Task<(string Site, string Token)> SiteAsync()
    {
        var site = await infra.NewSiteAsync();
        return (site, (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token);
    }

    [Fact]
    public async Task Status_counts_canary_sites_on_the_new_version_and_its_failures_and_the_fleet_view_shows_each_sites_version_and_last_update()
    {
        await _kit.ResetRolloutAsync(Runtime);
        var versions = await _kit.NextVersionsAsync(Runtime, 2);
        var (old, next) = (versions[0], versions[1]);
        await _kit.PublishAsync(old);
        await _kit.PublishAsync(next);
        Assert.True((await _kit.Rollouts.StartAsync(Runtime, old, [], 100, "test", CancellationToken.None)).Done);
        Assert.True((await _kit.Rollouts.PromoteAsync(Runtime, "test", CancellationToken.None)).Done);
        var (updated, rolledBack, waiting, bystander) = (await SiteAsync(), await SiteAsync(), await SiteAsync(), await SiteAsync());
        var start = await _kit.CliAsync("releases", "rollout", "--runtime", Runtime, "--version", next, "--sites", $"{updated.Site},{rolledBack.Site},{waiting.Site}");
        Assert.True(start.ExitCode == 0, start.Combined);

        await using (var app = await InProcessApp.StartAsync(infra))
        {
            var at = DateTimeOffset.UtcNow.ToString("O");
            await HeartbeatAsync(app.Http, updated.Token, next, new JsonObject { ["state"] = UpdateStates.Updated, ["version"] = next, ["fromVersion"] = old, ["at"] = at });
            await HeartbeatAsync(app.Http, rolledBack.Token, old,
                new JsonObject { ["state"] = UpdateStates.RolledBack, ["version"] = next, ["fromVersion"] = old, ["reason"] = UpdateFailureCodes.CrashedAtStart, ["at"] = at });
            await HeartbeatAsync(app.Http, waiting.Token, old, null);
            await HeartbeatAsync(app.Http, bystander.Token, old, null);

            // The admin API's fleet: each site's version and last update.
            var adminToken = (await SiteTokens.IssueAdminAsync(infra.Database, "rollout-test", CancellationToken.None)).Token;
            using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.AdminFleet);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            using var answer = await app.Http.SendAsync(request);
            var fleet = (await answer.Content.ReadFromJsonAsync<List<FleetSite>>(JsonSerializerOptions.Web))!;
            var row = fleet.Single(s => s.Ibge == rolledBack.Site);
            Assert.Equal((old, UpdateStates.RolledBack, next, UpdateFailureCodes.CrashedAtStart), (row.UploaderVersion, row.UpdateState, row.UpdateVersion, row.UpdateReason));
            Assert.Equal((next, UpdateStates.Updated), (fleet.Single(s => s.Ibge == updated.Site).UploaderVersion, fleet.Single(s => s.Ibge == updated.Site).UpdateState));
        }

        var status = await _kit.CliAsync("releases", "status", "--runtime", Runtime, "--json");
        Assert.True(status.ExitCode == 0, status.Combined);
        var progress = JsonNode.Parse(status.StandardOutput)!;
        Assert.Equal(next, progress["target"]!.GetValue<string>());
        Assert.Equal(3, progress["targetSites"]!.AsArray().Count);
        Assert.Equal(1, progress["onTarget"]!.GetValue<int>());
        Assert.Equal(1, progress["failed"]!.GetValue<int>());
        var sites = progress["sites"]!.AsArray().ToDictionary(s => s!["site"]!.GetValue<string>());
        Assert.True(sites[rolledBack.Site]!["blocksOffered"]!.GetValue<bool>());
        Assert.Equal((old, "current"), (sites[bystander.Site]!["offered"]!.GetValue<string>(), sites[bystander.Site]!["why"]!.GetValue<string>()));

        var table = await _kit.CliAsync("releases", "status", "--runtime", Runtime);
        Assert.Contains($"{next}: 1/3 site(s) on it, 1 failed or rolled back (33", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"rolled-back {next} (crashed-at-start) BLOCKED", table.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fleet_rollback_sends_the_older_build_signed_as_a_higher_version_to_every_site_and_ends_the_canary_and_halt()
    {
        await _kit.ResetRolloutAsync(Runtime);
        var versions = await _kit.NextVersionsAsync(Runtime, 3);
        var (good, bad, rollback) = (versions[0], versions[1], versions[2]);
        var goodBuild = await _kit.PublishAsync(good);
        await _kit.PublishAsync(bad);
        Assert.True((await _kit.Rollouts.StartAsync(Runtime, good, [], 100, "test", CancellationToken.None)).Done);
        Assert.True((await _kit.Rollouts.PromoteAsync(Runtime, "test", CancellationToken.None)).Done);
        var site = await infra.NewSiteAsync();
        Assert.True((await _kit.Rollouts.StartAsync(Runtime, bad, [], 100, "test", CancellationToken.None)).Done);
        Assert.True((await _kit.Rollouts.HaltAsync(Runtime, "test", CancellationToken.None)).Done);

        // The good build is fetched back from the store, signed offline as the higher version, and rolled out to all.
        var download = await _kit.CliAsync("releases", "download", "--runtime", Runtime, "--version", good, "--out", Path.Combine(_kit.Work, "old"));
        Assert.True(download.ExitCode == 0, download.Combined);
        var oldBinary = download.StandardOutput.Split('\n')[0].Trim();
        Assert.Equal(File.ReadAllBytes(goodBuild), File.ReadAllBytes(oldBinary));
        var manifest = Path.Combine(_kit.Work, "rollback.json");
        var sign = await _kit.CliAsync("releases", "sign", "--binary", oldBinary, "--version", rollback, "--runtime", Runtime, "--private-key", _kit.PrivateKeyPath, "--out", manifest);
        Assert.True(sign.ExitCode == 0, sign.Combined);

        // Re-publishing the good build under its own, lower version is what the rule refuses; the rollback command takes the higher one.
        var lower = await _kit.CliAsync("releases", "rollback", "--manifest", _kit.Write(_kit.Sign(oldBinary, good), "lower.json"), "--binary", oldBinary);
        Assert.Equal(1, lower.ExitCode);
        var rolled = await _kit.CliAsync("releases", "rollback", "--manifest", manifest, "--binary", oldBinary);
        Assert.True(rolled.ExitCode == 0, rolled.Combined);

        var offered = await _kit.Catalog.ForSiteAsync(site, Runtime, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(rollback, offered.Release?.Version);
        Assert.Equal(offered.Release!.Manifest.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(goodBuild))));
        var state = (await _kit.Catalog.RolloutAsync(Runtime, CancellationToken.None))!;
        Assert.Equal((rollback, (string?)null, false), (state.CurrentVersion, state.CanaryVersion, state.Halted));
    }

    [Fact]
    public async Task Publish_with_all_ships_a_release_to_every_site_in_one_command()
    {
        await _kit.ResetRolloutAsync(Runtime);
        var version = (await _kit.NextVersionsAsync(Runtime, 1))[0];
        var binary = _kit.Build("ship-all");
        var site = await infra.NewSiteAsync();

        var shipped = await _kit.CliAsync("releases", "publish", "--manifest", _kit.Write(_kit.Sign(binary, version), "all.json"), "--binary", binary, "--all");

        Assert.True(shipped.ExitCode == 0, shipped.Combined);
        Assert.Equal(version, (await _kit.Catalog.ForSiteAsync(site, Runtime, DateTimeOffset.UtcNow, CancellationToken.None)).Release?.Version);
        var state = (await _kit.Catalog.RolloutAsync(Runtime, CancellationToken.None))!;
        Assert.Equal((version, (string?)null), (state.CurrentVersion, state.CanaryVersion));
    }
}
