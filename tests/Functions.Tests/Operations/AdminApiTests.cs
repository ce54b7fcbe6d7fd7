using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Operations;

/// <summary>The operator API: only operator tokens, and it manages what the commands manage.</summary>
[Collection(InfraCollection.Name)]
public sealed class AdminApiTests(InfraFixture infra) : IAsyncLifetime
{
    private InProcessApp _app = null!;
    private string _admin = null!;
    private string _siteToken = null!;

    public async Task InitializeAsync()
    {
        _app = await InProcessApp.StartAsync(infra);
        _admin = (await SiteTokens.IssueAdminAsync(infra.Database, "ops", CancellationToken.None)).Token;
        _siteToken = (await SiteTokens.IssueAsync(infra.Database, await infra.NewSiteAsync(), CancellationToken.None)).Token;
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    private HttpClient _http => _app.Http;

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request);
    }

    public static TheoryData<string, string> AdminRoutes() => new()
    {
        { "GET", "/api/v1/admin/sites" },
        { "POST", "/api/v1/admin/sites" },
        { "POST", "/api/v1/admin/sites/1234567/tokens" },
        { "DELETE", "/api/v1/admin/tokens/00000000-0000-0000-0000-000000000001" },
        { "GET", "/api/v1/admin/lists" },
        { "POST", "/api/v1/admin/lists" },
        { "POST", "/api/v1/admin/lists/x/versions/1/activate" },
        { "GET", "/api/v1/admin/fleet" },
        { "POST", "/api/v1/admin/replay" },
        { "GET", "/api/v1/admin/snapshots/held" },
        { "POST", "/api/v1/admin/snapshots/00000000-0000-0000-0000-000000000001/apply" },
        { "POST", "/api/v1/admin/snapshots/00000000-0000-0000-0000-000000000001/drop" },
    };

    [Fact]
    public async Task Deciding_on_a_snapshot_that_is_not_held_is_a_clear_404()
    {
        using var unknown = await Send(HttpMethod.Post, ApiRoutes.AdminSnapshotDecisionPath(Guid.CreateVersion7(), "apply"), _admin);
        using var badDecision = await Send(HttpMethod.Post, ApiRoutes.AdminSnapshotDecisionPath(Guid.CreateVersion7(), "delete"), _admin);
        using var held = await Send(HttpMethod.Get, ApiRoutes.AdminHeldSnapshots, _admin);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"code\":\"not-held\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, badDecision.StatusCode);
        Assert.Contains("apply", await badDecision.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(await held.Content.ReadAsStringAsync()).RootElement.ValueKind);
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Admin_routes_refuse_site_tokens_and_anonymous_calls(string method, string path)
    {
        using var withSiteToken = await Send(new HttpMethod(method), path, _siteToken, new { });
        using var anonymous = await Send(new HttpMethod(method), path, null, new { });

        Assert.Equal(HttpStatusCode.Forbidden, withSiteToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_operator_adds_a_site_issues_a_token_that_works_and_revokes_it()
    {
        var ibge = Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var added = await Send(HttpMethod.Post, "/api/v1/admin/sites", _admin, new { ibge, name = "São Tomé das Letras" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        using var bad = await Send(HttpMethod.Post, "/api/v1/admin/sites", _admin, new { ibge = "12a", name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        using var issued = await Send(HttpMethod.Post, $"/api/v1/admin/sites/{ibge}/tokens", _admin);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        using var token = JsonDocument.Parse(await issued.Content.ReadAsStringAsync());
        var siteToken = token.RootElement.GetProperty("token").GetString()!;
        using (var lists = await Send(HttpMethod.Get, "/api/v1/lists", siteToken))
        {
            Assert.Equal(HttpStatusCode.OK, lists.StatusCode);
        }

        using var sites = await Send(HttpMethod.Get, "/api/v1/admin/sites", _admin);
        Assert.Contains(ibge, await sites.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var revoked = await Send(HttpMethod.Delete, $"/api/v1/admin/tokens/{token.RootElement.GetProperty("tokenId").GetString()}", _admin);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using var after = await Send(HttpMethod.Get, "/api/v1/lists", siteToken);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var unknownSite = await Send(HttpMethod.Post, "/api/v1/admin/sites/0000001/tokens", _admin);
        Assert.Equal(HttpStatusCode.NotFound, unknownSite.StatusCode);
    }

    [Fact]
    public async Task List_versions_keep_history_and_one_active_version_served_to_sites()
    {
        object Definition(int version) => new
        {
            name = "teste_admin",
            version,
            sql = $"SELECT 1::bigint AS id, {version} AS versao",
            columns = new[] { new { name = "id", type = "bigint" }, new { name = "versao", type = "integer" } },
            key = new[] { "id" },
            activate = version == 1,
        };

        using var v1 = await Send(HttpMethod.Post, "/api/v1/admin/lists", _admin, Definition(1));
        using var v2 = await Send(HttpMethod.Post, "/api/v1/admin/lists", _admin, Definition(2));
        Assert.Equal(HttpStatusCode.Created, v1.StatusCode);
        Assert.Equal(HttpStatusCode.Created, v2.StatusCode);
        Assert.Equal("SELECT 1::bigint AS id, 1 AS versao", await ServedSqlAsync());

        using var activate = await Send(HttpMethod.Post, "/api/v1/admin/lists/teste_admin/versions/2/activate", _admin);

        Assert.Equal(HttpStatusCode.NoContent, activate.StatusCode);
        Assert.Equal("SELECT 1::bigint AS id, 2 AS versao", await ServedSqlAsync());
        using var history = await Send(HttpMethod.Get, "/api/v1/admin/lists", _admin);
        using var versions = JsonDocument.Parse(await history.Content.ReadAsStringAsync());
        var mine = versions.RootElement.EnumerateArray().Where(v => v.GetProperty("name").GetString() == "teste_admin").ToList();
        Assert.Equal([1, 2], mine.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal([false, true], mine.Select(v => v.GetProperty("active").GetBoolean()));

        using var invalid = await Send(HttpMethod.Post, "/api/v1/admin/lists", _admin, new { name = "x; drop", version = 1, sql = "select 1", columns = Array.Empty<object>(), key = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var missing = await Send(HttpMethod.Post, "/api/v1/admin/lists/teste_admin/versions/9/activate", _admin);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>The SQL of teste_admin as sites are served it.</summary>
    private async Task<string?> ServedSqlAsync()
    {
        using var response = await Send(HttpMethod.Get, "/api/v1/lists", _siteToken);
        var catalog = await response.Content.ReadFromJsonAsync<global::PecLists.Contracts.ListCatalogDto>();
        return catalog!.Lists.SingleOrDefault(l => l.Name == "teste_admin")?.Sql;
    }

    [Fact]
    public async Task The_fleet_view_shows_each_sites_last_heartbeat_and_snapshot()
    {
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;
        using var heartbeat = new HttpRequestMessage(HttpMethod.Post, "/api/v1/heartbeats")
        {
            Content = new StringContent("""{"kind":"run","uploaderVersion":"0.1.0","os":"linux","sentAt":"2026-11-24T02:00:00Z","outcome":"failed","errorCode":"database-down"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        heartbeat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var sent = await _http.SendAsync(heartbeat);
        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);

        using var fleet = await Send(HttpMethod.Get, "/api/v1/admin/fleet", _admin);
        using var json = JsonDocument.Parse(await fleet.Content.ReadAsStringAsync());
        var row = json.RootElement.EnumerateArray().Single(r => r.GetProperty("ibge").GetString() == site);

        Assert.Equal("database-down", row.GetProperty("lastErrorCode").GetString());
        Assert.Equal("0.1.0", row.GetProperty("uploaderVersion").GetString());
        Assert.True(row.GetProperty("hoursSilent").GetDouble() < 1);
    }

    [Fact]
    public async Task Health_needs_no_credential_and_the_openapi_document_describes_the_contract()
    {
        using var health = await Send(HttpMethod.Get, "/api/v1/health", null);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var openApi = await Send(HttpMethod.Get, "/api/v1/openapi.json", null);
        using var document = JsonDocument.Parse(await openApi.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/lists/{list}/snapshots/{snapshotId}", out var put));
        Assert.True(put.TryGetProperty("put", out _));
        Assert.True(paths.TryGetProperty("/api/v1/heartbeats", out _));
        Assert.False(paths.TryGetProperty("/load", out _)); // the queue function is not public API
    }
}
