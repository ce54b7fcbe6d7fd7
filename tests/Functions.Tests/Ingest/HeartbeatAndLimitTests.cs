using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Tests.Infrastructure;
using LocalInfra;

namespace PecLists.Functions.Tests.Ingest;

[Collection(InfraCollection.Name)]
public sealed class HeartbeatAndLimitTests(InfraFixture infra)
{
    private Task<InProcessApp> StartAsync(params string[] extra) =>
        InProcessApp.StartAsync(infra, [$"--Ingest:Queue=q{Guid.NewGuid():N}"[..40], .. extra]);

    private async Task<(string Site, string Token)> SiteAsync()
    {
        var site = await infra.NewSiteAsync();
        return (site, (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token);
    }

    private static HttpRequestMessage Heartbeat(string token, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/heartbeats") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private const string GoodHeartbeat = """
        {"kind":"run","uploaderVersion":"0.1.0","os":"linux","sentAt":"2026-11-24T02:00:00Z","outcome":"ok","databaseReachable":true,
         "pecVersion":"5.2.38","spoolDepth":0,"spoolDropped":0,"diskFreeBytes":1000000,"checks":[{"name":"database","ok":true}]}
        """;

    private static string WithUnreported(string runs) =>
        GoodHeartbeat.Replace("\"outcome\":\"ok\"", $"\"outcome\":\"ok\",\"unreportedRuns\":[{runs}]", StringComparison.Ordinal);

    private static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    [Fact]
    public async Task A_valid_heartbeat_is_stored_for_its_site_with_the_measured_clock_skew()
    {
        await using var app = await StartAsync();
        var http = app.Http;
        var (site, token) = await SiteAsync();

        using var response = await http.SendAsync(Heartbeat(token, GoodHeartbeat));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var connection = await infra.Database.OpenConnectionAsync();
        var report = await connection.QuerySingleAsync<string>("SELECT report::text FROM ingest.heartbeats WHERE site_id = @site", new { site });
        using var json = JsonDocument.Parse(report);
        Assert.Equal("5.2.38", json.RootElement.GetProperty("pecVersion").GetString());
        Assert.True(json.RootElement.GetProperty("clockSkewSeconds").GetDouble() > 0);
    }

    [Fact]
    public async Task Runs_that_could_not_report_arrive_with_the_next_heartbeat_and_the_fleet_view_says_why_the_site_was_silent()
    {
        await using var app = await StartAsync();
        var (site, token) = await SiteAsync();
        var sentAt = DateTimeOffset.UtcNow;
        var heartbeat = GoodHeartbeat.Replace("2026-11-24T02:00:00Z", sentAt.ToString("O"), StringComparison.Ordinal)
            .Replace("\"outcome\":\"ok\"", $$"""
                "outcome":"ok","unreportedRuns":[
                  {"ranAt":"{{sentAt.AddDays(-2):O}}","outcome":"failed","errorCode":"network"},
                  {"ranAt":"{{sentAt.AddHours(2):O}}","outcome":"failed","errorCode":"tls-proxy"}]
                """, StringComparison.Ordinal);

        // The second run is "after" the report: the site's clock ran two hours fast and was set back since. Accepted.
        using var response = await app.Http.SendAsync(Heartbeat(token, heartbeat));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var fleet = Assert.Single(await new SnapshotLedger(infra.Database).ReadFleetAsync(new FleetOptions(), DateTimeOffset.UtcNow, CancellationToken.None), f => f.Ibge == site);
        Assert.Equal((2, FailureCategories.TlsProxy, sentAt.AddDays(-2)), (fleet.UnreportedRuns, fleet.UnreportedCategory, fleet.UnreportedSince));
        Assert.Equal((SiteCondition.Green, (string?)null), (fleet.Status, fleet.Category)); // it reports again and its run worked
    }

    public static TheoryData<string, HttpStatusCode, string> BadHeartbeats() => new()
    {
        { """{"kind":"run"}""", HttpStatusCode.BadRequest, "bad-heartbeat" },
        { "not json", HttpStatusCode.BadRequest, "bad-heartbeat" },
        { "null", HttpStatusCode.BadRequest, "bad-heartbeat" },
        { """{"kind":"run","uploaderVersion":"0.1.0","os":"linux","sentAt":"2026-11-24T02:00:00Z","checks":[null]}""", HttpStatusCode.BadRequest, "bad-heartbeat" },
        { GoodHeartbeat.Replace("\"outcome\":\"ok\"", "\"outcome\":\"ok\",\"nome\":\"Maria da Silva\"", StringComparison.Ordinal), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { GoodHeartbeat.Replace("\"outcome\":\"ok\"", "\"outcome\":\"ok\",\"errorCode\":\"12345678909\"", StringComparison.Ordinal), HttpStatusCode.BadRequest, "personal-data" },
        { GoodHeartbeat.Replace("\"outcome\":\"ok\"", "\"outcome\":\"Maria da Silva\"", StringComparison.Ordinal), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { GoodHeartbeat.Replace("\"name\":\"database\"", "\"name\":\"898001160655555\"", StringComparison.Ordinal), HttpStatusCode.BadRequest, "personal-data" },
        { GoodHeartbeat.Replace("\"kind\":\"run\"", "\"kind\":\"other\"", StringComparison.Ordinal), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { GoodHeartbeat.Replace("\"spoolDepth\":0", "\"spoolDepth\":-1", StringComparison.Ordinal), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { GoodHeartbeat.Replace("\"spoolDepth\":0", "\"spoolDepth\":\"zero\"", StringComparison.Ordinal), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { GoodHeartbeat.Replace("\"os\":\"linux\"", "\"os\":null", StringComparison.Ordinal), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { WithUnreported("""{"ranAt":"2026-11-23T02:00:00Z","outcome":"failed","errorCode":"Sem rede"}"""), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { WithUnreported("""{"ranAt":"2026-11-23T02:00:00Z","errorCode":"network"}"""), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { WithUnreported("null"), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { WithUnreported("""{"ranAt":"2026-11-23T02:00:00Z","outcome":"failed","errorCode":"12345678909"}"""), HttpStatusCode.BadRequest, "personal-data" },
        { WithUnreported(string.Join(',', Enumerable.Repeat("""{"ranAt":"2026-11-23T02:00:00Z","outcome":"ok"}""", 31))), HttpStatusCode.BadRequest, "bad-heartbeat" },
        { "{\"checks\":[" + string.Join(',', Enumerable.Repeat("{\"name\":\"x\",\"ok\":true}", 2000)) + "]}", HttpStatusCode.RequestEntityTooLarge, "too-large" },
    };

    [Theory]
    [MemberData(nameof(BadHeartbeats))]
    public async Task Bad_heartbeats_are_refused_with_a_stable_code_and_not_stored(string json, HttpStatusCode status, string code)
    {
        await using var app = await StartAsync();
        var http = app.Http;
        var (site, token) = await SiteAsync();

        using var response = await http.SendAsync(Heartbeat(token, json));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await CodeOf(response));
        await using var connection = await infra.Database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM ingest.heartbeats WHERE site_id = @site", new { site }));
        using var good = await http.SendAsync(Heartbeat(token, GoodHeartbeat));
        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
    }

    [Fact]
    public async Task A_site_over_its_rate_gets_429_with_retry_after_and_other_sites_are_not_affected()
    {
        await using var app = await StartAsync("--Ingest:PermitsPerMinutePerSite=3");
        var http = app.Http;
        var (_, noisy) = await SiteAsync();
        var (_, quiet) = await SiteAsync();

        for (var i = 0; i < 3; i++)
        {
            using var ok = await http.SendAsync(Heartbeat(noisy, GoodHeartbeat));
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        }

        using var limited = await http.SendAsync(Heartbeat(noisy, GoodHeartbeat));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate-limited", await CodeOf(limited));
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        using var other = await http.SendAsync(Heartbeat(quiet, GoodHeartbeat));
        Assert.Equal(HttpStatusCode.NoContent, other.StatusCode);
    }

    [Fact]
    public async Task Uploads_beyond_the_concurrency_limit_get_429_while_the_running_one_completes()
    {
        var spool = Directory.CreateTempSubdirectory("spool-").FullName;
        await using var app = await StartAsync("--Ingest:MaxConcurrentUploads=1", $"--Ingest:SpoolDirectory={spool}");
        var http = app.Http;
        var (_, token) = await SiteAsync();
        var body = Csv.Gzip(Csv.Rows("1,Ana,1950-01-02,t,1"));
        var slow = new SlowContent(body);
        using var first = Uploads.Put("pacientes_teste", body, token, DateTimeOffset.UtcNow);
        first.Content = slow;
        first.Content.Headers.ContentEncoding.Add("gzip");
        first.Content.Headers.Add(global::PecLists.Contracts.WireNames.ContentDigestHeader, Csv.Digest(body));
        var running = http.SendAsync(first);
        await slow.Started.Task;
        // Past authentication and holding the upload slot: the limiter's permit is taken before the ingestor spools.
        await Eventually.UntilAsync(
            () => Directory.EnumerateFiles(spool, "ingest-*").Count(), n => n > 0, TimeSpan.FromSeconds(30),
            "the first upload to take the slot and start spooling (ingest-*)", TimeSpan.FromMilliseconds(25), n => $"{n} spool file(s)");

        using var second = await http.SendAsync(Uploads.Put("pacientes_teste", body, token, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("rate-limited", await CodeOf(second));
        slow.Release.SetResult();
        using var firstResponse = await running;
        Assert.Equal(HttpStatusCode.Accepted, firstResponse.StatusCode);
        Directory.Delete(spool, recursive: true);
    }

    /// <summary>A body that sends its first byte, then waits to be released: an upload in progress.</summary>
    private sealed class SlowContent(byte[] body) : HttpContent
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, 1));
            await stream.FlushAsync();
            Started.SetResult();
            await Release.Task;
            await stream.WriteAsync(body.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
