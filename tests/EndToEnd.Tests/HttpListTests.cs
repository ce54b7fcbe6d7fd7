using System.Text.Json;
using LocalInfra;
using LocalInfra.FakeApis;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests;

/// <summary>
/// An HTTP list end to end: the operator signs (v3) and publishes a definition that reads a Disney-like paginated API
/// by the real commands; the real uploader reads it through the API's quirks (a 500, a 429 with Retry-After), the
/// function app behind the host stand-in ingests it into Azurite, and the loader puts it in central PostgreSQL with
/// the columns' types: NULL apart from empty, the quoted names whole. A broken API is a named failure in
/// the heartbeat. Needs the uploader's v3 verification and v3 signing at publish (issue 22's other parts).
/// </summary>
public sealed class HttpListTests
{
    [Fact]
    public async Task A_signed_http_list_is_read_through_the_apis_quirks_by_the_real_uploader_and_loaded_with_its_column_types()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi
        {
            Pages = 3,
            PageSize = 50,
            Quirks = new Dictionary<int, PageQuirk> { [2] = PageQuirk.ServerErrorOnce(), [3] = PageQuirk.TooManyRequestsOnce(retryAfterSeconds: 1) },
        }.MapOn(api);
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] });
        await PublishAsync(pipeline, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));
        var site = await pipeline.AddMunicipalityAsync("3304557", "Rio de Janeiro (teste)", 50, seed: 7);

        var run = await pipeline.RunUploaderAsync(site);

        Assert.True(run.ExitCode == 0, run.Combined);
        Assert.Contains("extracted personagens v1: 150 rows", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, api.Requests.Count(r => r.PathAndQuery == "/character?page=2"));
        Assert.Equal(2, api.Requests.Count(r => r.PathAndQuery == "/character?page=3"));
        var snapshot = Assert.Single(await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3)));
        Assert.Equal(("personagens", SnapshotStatuses.Loaded), (snapshot.List, snapshot.Status));

        await using var central = new NpgsqlConnection(pipeline.CentralConnection);
        await central.OpenAsync();
        await using var query = new NpgsqlCommand(
            """
            SELECT count(*), count(DISTINCT id), min(id), max(id),
                   count(*) FILTER (WHERE primeiro_filme IS NULL), count(*) FILTER (WHERE segundo_filme IS NULL),
                   max(nome) FILTER (WHERE id = 3), max(segundo_filme) FILTER (WHERE id = 4)
              FROM lists.personagens WHERE site_id = @site
            """, central);
        query.Parameters.AddWithValue("site", site.Ibge);
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal((150L, 150L, 1L, 150L), (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2), row.GetInt64(3)));
        Assert.Equal((50L, 50L), (row.GetInt64(4), row.GetInt64(5))); // every third character has no films: NULL, not empty text
        Assert.Equal((DisneyCharactersApi.NameOf(3), "Film 5"), (row.GetString(6), row.GetString(7)));
    }

    [Fact]
    public async Task An_api_answering_html_fails_the_list_as_source_api_with_exit_10_and_the_heartbeat_says_so()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 2, PageSize = 10, Quirks = new Dictionary<int, PageQuirk> { [2] = PageQuirk.Html() } }.MapOn(api);
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] });
        await PublishAsync(pipeline, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));
        var site = await pipeline.AddMunicipalityAsync("3304557", "Rio de Janeiro (teste)", 50, seed: 7);

        var run = await pipeline.RunUploaderAsync(site);

        Assert.True(run.ExitCode == 10, run.Combined);
        Assert.Contains(
            $"could not extract personagens: page 2 ({api.Url(DisneyCharactersApi.Path)}): the API answered text/html instead of JSON",
            run.StandardOutput,
            StringComparison.Ordinal);
        Assert.Empty(await pipeline.SnapshotsAsync());
        await using var central = new NpgsqlConnection(pipeline.CentralConnection);
        await central.OpenAsync();
        await using var heartbeat = new NpgsqlCommand(
            "SELECT report->>'outcome', report->>'errorCode', (report->>'databaseReachable')::boolean FROM ingest.heartbeats WHERE site_id = @site AND report->>'kind' = 'run'", central);
        heartbeat.Parameters.AddWithValue("site", site.Ibge);
        await using var row = await heartbeat.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), "no run heartbeat");
        Assert.Equal((RunOutcomes.Failed, FailureCategories.SourceApi, true), (row.GetString(0), row.GetString(1), row.GetBoolean(2)));
    }

    /// <summary>The definition as an operator writes it (lists/*.json shape), signed by 'lists sign' and published by 'lists publish'.</summary>
    private static async Task PublishAsync(LocalPipeline pipeline, ListDefinitionDto list)
    {
        var file = Path.Combine(pipeline.WorkPath("http-lists"), list.Name + ".json");
        var json = JsonSerializer.Serialize(
            new { name = list.Name, version = list.Version, description = "Disney characters (a test API)", key = list.Key, columns = list.Columns, source = list.Source },
            JsonSerializerOptions.Web);
        await File.WriteAllTextAsync(file, json);
        await pipeline.SignAndPublishAsync(file);
    }
}
