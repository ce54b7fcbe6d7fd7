using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PecLists.Functions.Tests.Infrastructure;
using LocalInfra;

namespace PecLists.Functions.Tests.Hosting;

/// <summary>GET /api/v1/health: anonymous, fast, always 200, and says which dependency is down without leaking secrets.</summary>
[Collection(InfraCollection.Name)]
public sealed class HealthTests(InfraFixture infra)
{
    private static async Task<(HttpStatusCode Status, string Body, JsonElement Json)> HealthAsync(InProcessApp app)
    {
        using var response = await app.Http.GetAsync(new Uri("/api/v1/health", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, JsonDocument.Parse(body).RootElement.Clone());
    }

    [Fact]
    public async Task Reports_ok_with_each_check_when_the_database_and_storage_answer()
    {
        await using var app = await InProcessApp.StartAsync(infra);

        var (status, _, json) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", json.GetProperty("status").GetString());
        Assert.Equal("ok", json.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal("ok", json.GetProperty("checks").GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Starts_and_reports_degraded_naming_what_is_down_when_nothing_answers()
    {
        const string Password = "s3cret-Pa55word";
        var closed = FreePort.Next();
        var accountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var storage = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={accountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1";

        // Start-up does no I/O: the app comes up with both dependencies unreachable.
        await using var app = await InProcessApp.StartAsync(infra,
            $"--ConnectionStrings:Central=Host=127.0.0.1;Port={closed};Database=central;Username=postgres;Password={Password}", $"--IngestStorage={storage}");
        var clock = Stopwatch.StartNew();

        var (status, body, json) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.OK, status); // the network path to the backend works: the uploader's doctor must see that
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
        Assert.Equal("degraded", json.GetProperty("status").GetString());
        Assert.StartsWith("down: ", json.GetProperty("checks").GetProperty("database").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("down: ", json.GetProperty("checks").GetProperty("storage").GetString(), StringComparison.Ordinal);
        Assert.Contains("cannot connect", json.GetProperty("checks").GetProperty("database").GetString(), StringComparison.Ordinal);
        foreach (var secret in new[] { Password, accountKey, "Password", "AccountKey", closed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
        }

        using var root = await app.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
    }

    [Fact]
    public async Task A_flood_of_probes_is_answered_from_one_check()
    {
        var closed = FreePort.Next();
        await using var app = await InProcessApp.StartAsync(infra, $"--ConnectionStrings:Central=Host=127.0.0.1;Port={closed};Database=central;Username=postgres");
        var first = await HealthAsync(app);
        var clock = Stopwatch.StartNew();

        var flood = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => HealthAsync(app)));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.All(flood, r => Assert.Equal(first.Body, r.Body));
        Assert.Equal("ok", first.Json.GetProperty("checks").GetProperty("storage").GetString());
    }
}
