using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Releases;

/// <summary>
/// A version a site rolled back stays blocked there until the operator clears it: the heartbeat's update report blocks
/// it, <c>releases clear</c> lifts it, and the manifest answer says so (X-Release-Cleared) until the site blocks it again.
/// The app on a real socket against the fixture's PostgreSQL and Azurite; the operator's command as a real process.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class BlockedVersionTests(InfraFixture infra) : IDisposable
{
    private const string Runtime = ReleaseRuntimes.LinuxX64;
    private readonly ReleaseTestKit _kit = new(infra);

    public void Dispose() => _kit.Dispose();

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static string Heartbeat(string state, string version, string? reason, string at) => new JsonObject
    {
        ["kind"] = "run",
        ["uploaderVersion"] = "1.0.0",
        ["os"] = "linux",
        ["sentAt"] = at,
        ["outcome"] = "ok",
        ["update"] = new JsonObject { ["state"] = state, ["version"] = version, ["fromVersion"] = "1.0.0", ["reason"] = reason, ["at"] = at },
    }.ToJsonString();

    private async Task<string?> ClearedHeaderAsync(HttpClient http, string token)
    {
        using var answer = await http.SendAsync(Authorized(HttpMethod.Get, ApiRoutes.ReleaseManifestPath(Runtime), token));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return answer.Headers.TryGetValues(WireNames.ReleaseClearedHeader, out var values) ? values.Single() : null;
    }

    private static async Task PostAsync(HttpClient http, string token, string json)
    {
        using var answer = await http.SendAsync(Authorized(HttpMethod.Post, ApiRoutes.Heartbeats, token, json));
        Assert.True(answer.StatusCode == HttpStatusCode.NoContent, await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_rolled_back_version_is_cleared_by_the_operator_and_blocked_again_by_the_next_rollback()
    {
        await _kit.ResetRolloutAsync(Runtime);
        var version = (await _kit.NextVersionsAsync(Runtime, 1))[0];
        await _kit.PublishAsync(version);
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;
        Assert.True((await _kit.Rollouts.StartAsync(Runtime, version, [site], 0, "test", CancellationToken.None)).Done);
        await using var app = await InProcessApp.StartAsync(infra, $"--Releases:Container={ReleaseTestKit.Container}");

        Assert.Null(await ClearedHeaderAsync(app.Http, token));

        // The site rolls the version back: it is blocked there, and stored as the site's last update.
        await PostAsync(app.Http, token, Heartbeat(UpdateStates.RolledBack, version, UpdateFailureCodes.CrashedAtStart, "2026-12-07T10:00:00Z"));
        Assert.Null(await ClearedHeaderAsync(app.Http, token));
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            Assert.Equal((UpdateStates.RolledBack, version, UpdateFailureCodes.CrashedAtStart),
                await connection.QuerySingleAsync<(string, string, string)>("SELECT state, version, reason FROM ingest.site_updates WHERE site_id = @site", new { site }));
        }

        // The operator clears it: the manifest answer says this version may be tried again.
        var clear = await _kit.CliAsync("releases", "clear", "--site", site, "--version", version);
        Assert.True(clear.ExitCode == 0, clear.Combined);
        Assert.Equal(version, await ClearedHeaderAsync(app.Http, token));

        // The same report received again (same time), or the site saying it still holds the block, does not undo the clearance.
        await PostAsync(app.Http, token, Heartbeat(UpdateStates.RolledBack, version, UpdateFailureCodes.CrashedAtStart, "2026-12-07T10:00:00Z"));
        await PostAsync(app.Http, token, Heartbeat(UpdateStates.UpdateFailed, version, UpdateFailureCodes.VersionBlocked, "2026-12-07T11:00:00Z"));
        Assert.Equal(version, await ClearedHeaderAsync(app.Http, token));

        // The retry fails again: blocked again until the next clearance.
        await PostAsync(app.Http, token, Heartbeat(UpdateStates.RolledBack, version, UpdateFailureCodes.FirstRunFailed, "2026-12-08T10:00:00Z"));
        Assert.Null(await ClearedHeaderAsync(app.Http, token));
    }

    [Fact]
    public async Task A_heartbeat_with_a_malformed_update_report_is_refused()
    {
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;
        await using var app = await InProcessApp.StartAsync(infra);

        foreach (var bad in new[]
        {
            Heartbeat("exploded", "1.2.3", null, "2026-12-07T10:00:00Z"),
            Heartbeat(UpdateStates.Updated, "Maria da Silva", null, "2026-12-07T10:00:00Z"),
            Heartbeat(UpdateStates.UpdateFailed, "1.2.3", "Free Text Reason", "2026-12-07T10:00:00Z"),
            Heartbeat(UpdateStates.UpdateFailed, "1.2.3", "cpf-12345678901", "2026-12-07T10:00:00Z"),
        })
        {
            using var answer = await app.Http.SendAsync(Authorized(HttpMethod.Post, ApiRoutes.Heartbeats, token, bad));
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        }

        await using var connection = await infra.Database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM ingest.heartbeats WHERE site_id = @site", new { site }));
    }

    [Theory]
    [InlineData("site_updates", UpdateStates.UpdateFailed, UpdateFailureCodes.DownloadFailed)] // the statement after the heartbeat's
    [InlineData("release_blocks", UpdateStates.RolledBack, UpdateFailureCodes.CrashedAtStart)] // the last one, for a report that blocks
    public async Task A_heartbeat_whose_update_report_cannot_be_stored_is_not_stored_either_and_the_resent_one_stores_both(string failing, string state, string reason)
    {
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;
        await using var app = await InProcessApp.StartAsync(infra);
        var trigger = $"fail_{Guid.NewGuid():N}";
        var heartbeat = Heartbeat(state, "1.2.3", reason, "2026-12-07T10:00:00Z");

        // A statement that fails for this site only (the fixture's database is shared): what a lost connection or a
        // statement timeout between the heartbeat's row and its report would do.
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync($"""
            CREATE FUNCTION ingest.{trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.site_id = '{site}' THEN RAISE EXCEPTION 'forced failure' USING ERRCODE = '57014'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON ingest.{failing} FOR EACH ROW EXECUTE FUNCTION ingest.{trigger}();
            """);
        try
        {
            using var answer = await app.Http.SendAsync(Authorized(HttpMethod.Post, ApiRoutes.Heartbeats, token, heartbeat));
            Assert.True((int)answer.StatusCode >= 500, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            Assert.Equal((0, 0, 0), await StoredAsync(connection, site));
        }
        finally
        {
            await connection.ExecuteAsync($"DROP TRIGGER {trigger} ON ingest.{failing}; DROP FUNCTION ingest.{trigger}();");
        }

        // The uploader keeps a report it could not deliver and sends it again: now both are stored.
        await PostAsync(app.Http, token, heartbeat);
        Assert.Equal((1, 1, state == UpdateStates.RolledBack ? 1 : 0), await StoredAsync(connection, site));
    }

    private static async Task<(int Heartbeats, int Updates, int Blocks)> StoredAsync(Npgsql.NpgsqlConnection connection, string site) =>
        await connection.QuerySingleAsync<(int, int, int)>(
            """
            SELECT (SELECT count(*)::int FROM ingest.heartbeats WHERE site_id = @site),
                   (SELECT count(*)::int FROM ingest.site_updates WHERE site_id = @site),
                   (SELECT count(*)::int FROM ingest.release_blocks WHERE site_id = @site)
            """, new { site });
}
