using System.Net;
using System.Text.Json;
using LocalInfra;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>
/// The storage account or the central database unreachable while a site uploads: 503 dependency-unavailable with
/// Retry-After (the uploader keeps the snapshot and tries again), never a bare 500, and nothing half-recorded.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class DependencyOutageTests(InfraFixture infra)
{
    private static readonly DateTimeOffset Extracted = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Storage_unreachable_answers_503_dependency_unavailable_and_records_nothing()
    {
        var closed = FreePort.Next();
        var unreachable = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};" +
            $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;";
        await using var app = await InProcessApp.StartAsync(infra, $"--IngestStorage={unreachable}");
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;
        var id = SnapshotIds.New(Extracted);

        using var response = await app.Http.SendAsync(Uploads.Put("pacientes_teste", id, Csv.Gzip(Csv.Rows("1,Ana,1950-01-02,t,70.5")), token, Extracted));

        await AssertUnavailableAsync(response, "storage account");
        await using var connection = await infra.Database.OpenConnectionAsync();
        Assert.Equal(0L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT count(*) FROM ingest.snapshots WHERE snapshot_id = @id", new { id }));
    }

    [Fact]
    public async Task Central_database_unreachable_answers_503_dependency_unavailable()
    {
        // A real token this instance has never seen: the lookup itself needs the database.
        var token = (await SiteTokens.IssueAsync(infra.Database, await infra.NewSiteAsync(), CancellationToken.None)).Token;
        await using var app = await InProcessApp.StartAsync(infra, $"--ConnectionStrings:Central=Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=central;Timeout=3");

        using var response = await app.Http.SendAsync(Uploads.Put("pacientes_teste", SnapshotIds.New(Extracted), Csv.Gzip(Csv.Rows("1,Ana,1950-01-02,t,70.5")), token, Extracted));

        await AssertUnavailableAsync(response, "central database");
    }

    [Fact]
    public void A_bug_is_not_an_outage()
    {
        Assert.Null(DependencyUnavailableHandler.DependencyOf(new InvalidOperationException("bug")));
        Assert.Null(DependencyUnavailableHandler.DependencyOf(new Azure.RequestFailedException(409, "conflict")));
        Assert.Equal("storage account", DependencyUnavailableHandler.DependencyOf(new Azure.RequestFailedException(503, "busy")));
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string dependency)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal(TimeSpan.FromSeconds(new PecLists.Functions.Http.DependencyUnavailableOptions().UnavailableRetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(ProblemCodes.DependencyUnavailable, json.RootElement.GetProperty("code").GetString());
        Assert.Contains(dependency, json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
