using LocalInfra.FakeApis;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Pipeline;

/// <summary>
/// An HTTP list through the whole run (the stub backend, a real spool, the sources by kind as <c>run</c> builds them,
/// the fake API): signed v3, its URL bound to the site, its failures in the heartbeat with their own category.
/// </summary>
public sealed class HttpListRunTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_v3_signed_http_list_reads_the_api_at_the_sites_address_and_sends_its_rows()
    {
        await using var api = FakeJsonApi.Start();
        new BrtGpsFeed { Vehicles = 5 }.MapOn(api);
        var list = TestSigning.SignAll(FakeApiLists.Brt(new Uri(api.Url(BrtGpsFeed.Path) + "?municipio={ibge}")));
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([list])));

        var result = await RunAsync(backend);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(PipelineRuns.Site, Assert.Single(api.Requests).Query["municipio"]);
        var put = Assert.Single(backend.Requests, r => r.Method == "PUT");
        var csv = Csv.Parse(Gzip.Decompress(put.Body));
        Assert.Equal(["codigo", "placa", "linha", "latitude", "longitude", "data_hora", "velocidade", "sentido", "trajeto"], csv[0]);
        Assert.Equal(["B30000", "B30001", "B30002", "B30003", "B30004"], csv.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task A_changed_api_shape_fails_the_list_as_source_shape_exit_10_and_the_heartbeat_keeps_the_database_reachable()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 10, Quirks = new Dictionary<int, PageQuirk> { [3] = PageQuirk.FieldMissing("name") } }.MapOn(api);
        var list = TestSigning.SignAll(FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([list])));

        var result = await RunAsync(backend);

        Assert.Equal((ExitCodes.SourceApi, FailureCategories.SourceShape), (result.ExitCode, result.Sites.Single().FailureCategory));
        Assert.Contains(result.Events, e => e.Message == $"site {PipelineRuns.Site}: could not extract personagens: page 3 ({api.Url(DisneyCharactersApi.Path)}), row 1: column nome reads field 'name', but the row has no 'name'");
        Assert.DoesNotContain(backend.Requests, r => r.Method == "PUT");
        var heartbeat = PipelineRuns.LastHeartbeat(backend);
        Assert.Equal((RunOutcomes.Failed, FailureCategories.SourceShape, (bool?)true), (heartbeat.Outcome, heartbeat.ErrorCode, heartbeat.DatabaseReachable));
        Assert.Empty(Directory.GetFiles(_dir.Combine("spool"), "*.csv.gz*", SearchOption.AllDirectories));
    }

    /// <summary>A run with the sources <c>run</c> builds from the config: the HTTP one tries each page once here.</summary>
    private async Task<Uploader.Pipeline.RunResult> RunAsync(StubBackend backend)
    {
        var spool = _dir.Combine("spool");
        using var sources = SourcesByKind.For(new UploaderConfig { SpoolDirectory = spool, Http = new HttpSourceConfig { MaxAttempts = 1 } });
        return await PipelineRuns.RunAsync(backend, sources, spool, DateTimeOffset.UtcNow);
    }
}
