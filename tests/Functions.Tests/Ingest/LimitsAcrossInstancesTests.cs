using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>
/// The limits that must hold when the app runs on several instances and when nobody authenticated is calling
/// (docs/adr/0011-limits-across-instances.md): the per-site upload budget lives in the shared database, and a flood of
/// made-up tokens costs a bounded number of database lookups, counted from Npgsql's own tracing.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class LimitsAcrossInstancesTests(InfraFixture infra)
{
    private const string TokenLookup = "WHERE token_hash";
    private static readonly DateTimeOffset Extracted = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private Task<InProcessApp> StartAsync(string queue, params string[] extra) =>
        InProcessApp.StartAsync(infra, [$"--Ingest:Queue={queue}", .. extra]);

    private async Task<(string Site, string Token)> SiteAsync()
    {
        var site = await infra.NewSiteAsync();
        return (site, (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token);
    }

    private static byte[] GoodBody() => Csv.Gzip(Csv.Rows("1,Ana,1950-01-02,t,70.5"));

    private static HttpRequestMessage Lists(string token, string? forwardedFor = null) => Get("/api/v1/lists", token, forwardedFor);

    private static HttpRequestMessage AdminSites(string token, string? forwardedFor = null) => Get("/api/v1/admin/sites", token, forwardedFor);

    private static HttpRequestMessage Get(string path, string token, string? forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (forwardedFor is not null)
        {
            request.Headers.Add(ClientAddress.ForwardedForHeader, forwardedFor);
        }

        return request;
    }

    private static string MadeUpToken() => "pec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    [Fact]
    public async Task The_per_site_snapshot_budget_holds_across_two_instances_sharing_the_database()
    {
        var queue = "q" + Guid.NewGuid().ToString("N")[..12];
        string[] settings = ["--Ingest:SnapshotsPerMinutePerSite=3", "--Ingest:PermitsPerMinutePerSite=1000"];
        await using var first = await StartAsync(queue, settings);
        await using var second = await StartAsync(queue, settings);
        var (site, token) = await SiteAsync();
        var (_, other) = await SiteAsync();

        foreach (var app in new[] { first, second, first })
        {
            using var accepted = await app.Http.SendAsync(Uploads.Put("pacientes_teste", GoodBody(), token, Extracted));
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        // Each instance alone has seen at most two of the site's three: the refusal comes from the shared count.
        foreach (var app in new[] { second, first })
        {
            using var refused = await app.Http.SendAsync(Uploads.Put("pacientes_teste", GoodBody(), token, Extracted));
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(ProblemCodes.RateLimited, await CodeOf(refused));
            Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        }

        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM ingest.snapshots WHERE site_id = @site", new { site }));
        }

        Assert.Equal(3, await infra.QueuedCountAsync(queue));
        using var otherSite = await second.Http.SendAsync(Uploads.Put("pacientes_teste", GoodBody(), other, Extracted));
        Assert.Equal(HttpStatusCode.Accepted, otherSite.StatusCode);
    }

    [Fact]
    public async Task A_flood_of_made_up_tokens_from_one_address_gets_401_then_429_without_a_lookup_per_request()
    {
        await using var app = await StartAsync("q" + Guid.NewGuid().ToString("N")[..12],
            "--Ingest:FailedTokenLookupsPerMinutePerClient=5", "--Ingest:FailedTokenLookupsPerMinute=100000");
        var (_, token) = await SiteAsync();
        var (_, fresh) = await SiteAsync();
        using var lookups = new DatabaseCommands(TokenLookup);

        // A live token used before the flood is remembered: it costs one lookup, then none.
        using (var known = await app.Http.SendAsync(Lists(token)))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        Assert.Equal(1, lookups.Count);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await app.Http.SendAsync(Lists(MadeUpToken()));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(ProblemCodes.RateLimited, await CodeOf(response));
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
            }
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), statuses.Take(5));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(1 + 5, lookups.Count);

        // The site whose token is remembered keeps working from the flooding address, and so does a live token this
        // instance never saw: it is recognised as live (one read of the live hashes, not a token lookup) and costs one
        // lookup, no budget. (Before issue 23 it waited for the flooding address's budget: that pinned the lockout.)
        using (var known = await app.Http.SendAsync(Lists(token)))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        using (var unseen = await app.Http.SendAsync(Lists(fresh)))
        {
            Assert.Equal(HttpStatusCode.OK, unseen.StatusCode);
        }

        using (var elsewhere = await app.Http.SendAsync(Lists(fresh, "203.0.113.9:50123")))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }

        Assert.Equal(1 + 5 + 1, lookups.Count);

        // A made-up token from the flooding address still gets 429, without a lookup.
        using (var still = await app.Http.SendAsync(Lists(MadeUpToken())))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, still.StatusCode);
        }

        Assert.Equal(1 + 5 + 1, lookups.Count);
    }

    [Fact]
    public async Task During_a_flood_of_made_up_tokens_from_many_addresses_a_site_never_seen_and_an_operator_get_in()
    {
        // The instance's clock stands still (at the start of a minute, so the budgets' windows never roll over) and moves
        // only when the test moves it past the live hashes' refresh interval.
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero));
        await using var app = await InProcessApp.StartAsync(infra, services => services.AddSingleton<TimeProvider>(clock),
            $"--Ingest:Queue=q{Guid.NewGuid().ToString("N")[..12]}",
            "--Ingest:FailedTokenLookupsPerMinutePerClient=1000", "--Ingest:FailedTokenLookupsPerMinute=10", "--Ingest:LiveTokensRefreshSeconds=1");
        var (_, unseen) = await SiteAsync();
        var (_, alsoUnseen) = await SiteAsync();
        using var lookups = new DatabaseCommands(TokenLookup);
        using var reads = new DatabaseCommands("ingest.admin_tokens WHERE revoked_at IS NULL");

        // 30 addresses (IPv4, and IPv6 from distinct /48s) send made-up site and operator tokens until both of the
        // instance's budgets are spent.
        static string Address(int i) => i % 2 == 0 ? $"192.0.2.{i}" : $"2001:db8:{i:x}::1";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var site = await app.Http.SendAsync(Lists(MadeUpToken(), Address(i % 30)));
            statuses.Add(site.StatusCode);
            using var admin = await app.Http.SendAsync(AdminSites("adm_" + MadeUpToken()[4..], Address(i % 30)));
            statuses.Add(admin.StatusCode);
        }

        // Still flooding: a site this instance never saw gets in, from a flooding address and from a new one, and so does
        // an operator whose token was issued in the middle of the flood (after the live hashes were read).
        var (_, operatorToken) = await SiteTokens.IssueAdminAsync(infra.Database, "plantonista", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1.2));
        var real = new List<(string Who, HttpStatusCode Status)>();
        for (var i = 0; i < 20; i++)
        {
            using var bogus = await app.Http.SendAsync(Lists(MadeUpToken(), Address(i)));
            statuses.Add(bogus.StatusCode);
            if (i == 5)
            {
                using var site = await app.Http.SendAsync(Lists(unseen, Address(7)));
                real.Add(("site never seen, from a flooding address", site.StatusCode));
                using var newcomer = await app.Http.SendAsync(Lists(alsoUnseen, "198.51.100.200"));
                real.Add(("site never seen, from a new address", newcomer.StatusCode));
            }

            if (i == 10)
            {
                using var sites = await app.Http.SendAsync(AdminSites(operatorToken, Address(3)));
                real.Add(("operator", sites.StatusCode));
            }
        }

        Assert.Equal(
            [("site never seen, from a flooding address", HttpStatusCode.OK), ("site never seen, from a new address", HttpStatusCode.OK), ("operator", HttpStatusCode.OK)],
            real);

        // Each kind of token has its own instance budget: 10 failed lookups of made-up site tokens, 10 of operator tokens.
        Assert.Equal(2 * 10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(140 - (2 * 10), statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // The database saw the budgets' failed lookups and one lookup per real token; the live hashes were read once
        // per refresh interval at most, however long the flood: at the first refusal, and at the first after the clock
        // moved past the interval (which found the operator's token).
        Assert.Equal((2 * 10) + 3, lookups.Count);
        Assert.Equal(2, reads.Count);
    }

    [Fact]
    public void An_IPv6_client_is_its_48_so_one_subscriber_cannot_spread_over_fresh_budgets()
    {
        static string Of(string forwarded)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Request.Headers[ClientAddress.ForwardedForHeader] = forwarded;
            return ClientAddress.Of(context);
        }

        Assert.Equal(Of("2001:db8:1::1"), Of("2001:db8:1:ff00::7"));
        Assert.Equal(Of("2001:db8:1::1"), Of("[2001:db8:1:abcd:1:2:3:4]:443"));
        Assert.NotEqual(Of("2001:db8:1::1"), Of("2001:db8:2::1"));
        Assert.Equal("2001:db8:1::/48", Of("2001:db8:1:2:3:4:5:6"));
        Assert.Equal("203.0.113.7", Of("203.0.113.7:5000"));
    }

    [Fact]
    public async Task The_last_forwarded_address_is_the_partition_so_a_client_cannot_pick_a_fresh_one()
    {
        await using var app = await StartAsync("q" + Guid.NewGuid().ToString("N")[..12],
            "--Ingest:FailedTokenLookupsPerMinutePerClient=3", "--Ingest:FailedTokenLookupsPerMinute=100000");
        using var lookups = new DatabaseCommands(TokenLookup);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            // What a client sends comes first; the front end appends the address it saw, always the same here.
            using var response = await app.Http.SendAsync(Lists(MadeUpToken(), $"10.{i}.0.1, 198.51.100.7:4{i:D3}"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(47, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(3, lookups.Count);
    }

    [Fact]
    public async Task A_flood_from_many_addresses_is_bounded_by_the_instance_budget()
    {
        await using var app = await StartAsync("q" + Guid.NewGuid().ToString("N")[..12],
            "--Ingest:FailedTokenLookupsPerMinutePerClient=1000", "--Ingest:FailedTokenLookupsPerMinute=10");
        using var lookups = new DatabaseCommands(TokenLookup);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await app.Http.SendAsync(Lists(MadeUpToken(), i % 2 == 0 ? $"192.0.2.{i}" : $"2001:db8:{i:x}::1"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(90, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, lookups.Count);
    }

    [Fact]
    public async Task Tokens_that_are_not_ours_and_remembered_dead_tokens_cost_no_lookup()
    {
        await using var app = await StartAsync("q" + Guid.NewGuid().ToString("N")[..12]);
        var (_, token) = await SiteAsync();
        var dead = MadeUpToken();
        using var lookups = new DatabaseCommands(TokenLookup);

        for (var i = 0; i < 10; i++)
        {
            foreach (var bearer in new[] { "not-a-token-" + i, "pec_" + new string('x', 300), dead, token })
            {
                using var response = await app.Http.SendAsync(Lists(bearer));
                Assert.Equal(bearer == token ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        Assert.Equal(2, lookups.Count); // the dead token once, the live one once
    }

    [Fact]
    public async Task A_live_site_token_is_remembered_but_a_live_operator_token_is_looked_up_each_time_and_refused_once_revoked()
    {
        await using var app = await StartAsync("q" + Guid.NewGuid().ToString("N")[..12]);
        var (_, token) = await SiteAsync();
        var (adminId, admin) = await SiteTokens.IssueAdminAsync(infra.Database, "plantonista", CancellationToken.None);
        HttpRequestMessage Sites()
        {
            var message = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/sites");
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            return message;
        }

        using var lookups = new DatabaseCommands(TokenLookup);
        for (var i = 0; i < 3; i++)
        {
            using var site = await app.Http.SendAsync(Lists(token));
            Assert.Equal(HttpStatusCode.OK, site.StatusCode);
            using var sites = await app.Http.SendAsync(Sites());
            Assert.Equal(HttpStatusCode.OK, sites.StatusCode);
        }

        Assert.Equal(1 + 3, lookups.Count);

        // Revoked as the command line does it, straight in the database: no instance is told.
        Assert.True(await SiteTokens.RevokeAdminAsync(infra.Database, adminId, CancellationToken.None));
        using var after = await app.Http.SendAsync(Sites());
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
