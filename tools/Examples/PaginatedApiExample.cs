using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LocalInfra;
using LocalInfra.Examples;
using LocalInfra.FakeApis;

namespace Examples;

/// <summary>
/// examples/paginated-api on this machine: a local API shaped like the Disney characters API (5 pages by the
/// <c>info.nextPage</c> link; a 500, a 429 and a stalled page on the way), the example's definition signed and
/// published, one run of the real uploader; prints the requests the API saw, rows with the hashed name, and the view.
/// </summary>
public static class PaginatedApiExample
{
    public static async Task<int> RunAsync(Arguments arguments, CancellationToken ct)
    {
        _ = arguments;
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi
        {
            Pages = 5,
            PageSize = 50,
            Quirks = new Dictionary<int, PageQuirk> { [2] = PageQuirk.ServerErrorOnce(), [3] = PageQuirk.TooManyRequestsOnce(2), [4] = PageQuirk.StallsOnce() },
        }.MapOn(api);
        Console.WriteLine("starting PostgreSQL, Azurite and the function app behind the host stand-in…");
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] }, ct);
        await pipeline.SignAndPublishAsync(ExampleFiles.Copy("paginated-api", "personagens.json", pipeline.WorkPath("example"), d =>
        {
            d["source"]!["url"] = api.Url(DisneyCharactersApi.Path).ToString();
            d["source"]!["timeoutSeconds"] = 5; // the stalled page is given up after 5 s here, not the example's 30
        }), ct);
        var site = await pipeline.AddSiteAsync("3304557", "Rio de Janeiro", pipeline.Municipal.ConnectionString(), ct);
        ExampleFiles.EditConfig(site.ConfigPath, c => c["maskingKey"] = new JsonObject { ["id"] = "exemplo1", ["key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });

        var run = await pipeline.RunUploaderAsync(site, ct: ct);
        Console.WriteLine(run.Combined);
        Console.WriteLine("requests the API answered: " + string.Join(", ", api.Requests.Select(r => r.PathAndQuery)));
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(2), ct: ct);
        Central.Print(
            "lists.personagens (nome hashed at the edge)",
            await Central.TableAsync(pipeline.CentralConnection, "SELECT id, nome, primeiro_filme, segundo_filme FROM lists.personagens ORDER BY id LIMIT 5", ct));
        Central.Print(
            "lists.personagens_por_filme (the view)",
            await Central.TableAsync(pipeline.CentralConnection, "SELECT filme, personagens FROM lists.personagens_por_filme ORDER BY personagens DESC, filme LIMIT 5", ct));
        return run.ExitCode;
    }
}
