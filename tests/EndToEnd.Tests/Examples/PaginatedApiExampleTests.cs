using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LocalInfra;
using LocalInfra.Examples;
using LocalInfra.FakeApis;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests.Examples;

/// <summary>
/// examples/paginated-api end to end: its definition (signed v3 and published by the real commands, only the API's
/// address and page timeout changed) read by the real uploader from a local API shaped like the Disney characters API,
/// five pages by the <c>info.nextPage</c> link, one page failing with a 500, one with a 429 (Retry-After: 1), one
/// stalling half-way until the page times out; through the host stand-in and Azurite into the central PostgreSQL.
/// </summary>
public sealed class PaginatedApiExampleTests
{
    private const string Example = "paginated-api";
    private const string List = "personagens";
    private const string KeyId = "exemplo1";
    private const int Pages = 5;
    private const int PageSize = 40;
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task Every_page_is_read_through_the_apis_quirks_the_hashed_name_never_reaches_central_in_clear_and_the_view_counts_each_films_characters()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi
        {
            Pages = Pages,
            PageSize = PageSize,
            Quirks = new Dictionary<int, PageQuirk>
            {
                [2] = PageQuirk.ServerErrorOnce(),
                [3] = PageQuirk.TooManyRequestsOnce(retryAfterSeconds: 1),
                [4] = PageQuirk.StallsOnce(),
            },
        }.MapOn(api);
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] });
        await pipeline.SignAndPublishAsync(ExampleFiles.Copy(Example, List + ".json", pipeline.WorkPath("example"), d =>
        {
            d["source"]!["url"] = api.Url(DisneyCharactersApi.Path).ToString();
            d["source"]!["timeoutSeconds"] = 3; // the stalled page gives up in seconds, not the example's 30
        }));
        var site = await pipeline.AddSiteAsync("3304557", "Rio de Janeiro (teste)", pipeline.Municipal.ConnectionString());
        ExampleFiles.EditConfig(site.ConfigPath, c =>
        {
            c["maskingKey"] = new JsonObject { ["id"] = KeyId, ["key"] = Convert.ToBase64String(Key) };
            c["http"] = new JsonObject { ["firstRetryDelaySeconds"] = 0.2 };
        });

        var run = await pipeline.RunUploaderAsync(site);

        Assert.True(run.ExitCode == 0, run.Combined);
        Assert.Contains($"extracted {List} v1: {Pages * PageSize} rows", run.StandardOutput, StringComparison.Ordinal);
        var loaded = Assert.Single(await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal((List, SnapshotStatuses.Loaded, (long)(Pages * PageSize)), (loaded.List, loaded.Status, loaded.Inserted ?? 0));

        // Every page, each read whole once it answered whole, and none past the last (its nextPage is null).
        var pagesAsked = api.Requests.Select(r => r.Query["page"] ?? "1").ToList();
        Assert.Equal(["1", "2", "2", "3", "3", "4", "4", "5"], pagesAsked);

        // Every character once; the name is the documented hash of the API's value: "<key id>:" + hex(HMAC-SHA256).
        var central = await RowsAsync(pipeline, $"SELECT id, nome, primeiro_filme, segundo_filme FROM lists.{List} WHERE site_id = @site", site);
        var ids = Enumerable.Range(1, Pages * PageSize).ToList();
        Assert.Equal(ids.Select(id => (long)id), central.Keys.Order());
        foreach (var id in ids)
        {
            var films = DisneyCharactersApi.FilmsOf(id);
            Assert.Equal(
                (Hash(DisneyCharactersApi.NameOf(id)), films.ElementAtOrDefault(0), films.ElementAtOrDefault(1)),
                (central[id][0], central[id][1], central[id][2]));
        }

        // No clear name anywhere in the central database (every table, the bookkeeping too).
        var everything = await CentralText.AllTablesAsync(pipeline.CentralConnection);
        Assert.Contains(Hash(DisneyCharactersApi.NameOf(1))!, everything, StringComparison.Ordinal); // the search reads the rows
        Assert.DoesNotContain(ids, id => everything.Contains(DisneyCharactersApi.NameOf(id), StringComparison.Ordinal));

        // The view: each film's characters, counted from either of the first two films.
        var expected = ids.SelectMany(id => DisneyCharactersApi.FilmsOf(id).Take(2)).GroupBy(f => f).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), (await ViewAsync(pipeline, site)).OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>The hash mask as documented (README, "Masking personal data"), written here apart from the uploader's code.</summary>
    private static string? Hash(string value) => KeyId + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(value)));

    /// <summary>Rows by their first column (a bigint), the others as text.</summary>
    private static async Task<Dictionary<long, string?[]>> RowsAsync(LocalPipeline pipeline, string sql, Municipality site)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("site", site.Ibge);
        var rows = new Dictionary<long, string?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetInt64(0), [.. Enumerable.Range(1, reader.FieldCount - 1).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i))]);
        }

        return rows;
    }

    private static async Task<List<KeyValuePair<string, long>>> ViewAsync(LocalPipeline pipeline, Municipality site)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT filme, personagens FROM lists.personagens_por_filme WHERE site_id = @site", connection);
        command.Parameters.AddWithValue("site", site.Ibge);
        var rows = new List<KeyValuePair<string, long>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new(reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }
}
