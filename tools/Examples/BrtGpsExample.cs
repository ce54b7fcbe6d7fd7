using System.Text.Json.Nodes;
using LocalInfra;
using LocalInfra.Examples;
using LocalInfra.FakeApis;

namespace Examples;

/// <summary>
/// examples/brt-gps on this machine: a local feed shaped like Rio's BRT GPS feed (moving buses; a 429, a 500 and a
/// missing member now and then), the example's definition signed and published, and the real <c>uploader watch</c>
/// polling it with a schedule minute of a few seconds, so a delivery of "10 minutes" of polls comes every minute.
/// Prints what the uploader says, the central table's growth and, at the end, the latest-position view.
/// </summary>
public static class BrtGpsExample
{
    public static async Task<int> RunAsync(Arguments arguments, CancellationToken ct)
    {
        var minutes = arguments.Number("--minutes", 3);
        var minuteSeconds = (int)arguments.Number("--minute-seconds", 6);
        await using var api = FakeJsonApi.Start();
        new BrtGpsFeed
        {
            Vehicles = 20,
            MovingPolls = 100_000,
            RequestQuirks = new Dictionary<int, PageQuirk>
            {
                [3] = PageQuirk.TooManyRequestsOnce(retryAfterSeconds: 2),
                [7] = PageQuirk.ServerErrorOnce(),
                [12] = PageQuirk.FieldMissing("velocidade", fromRow: 5),
            },
        }.MapOn(api);
        Console.WriteLine("starting PostgreSQL, Azurite and the function app behind the host stand-in…");
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] }, ct);
        await pipeline.SignAndPublishAsync(ExampleFiles.Copy("brt-gps", "brt_posicoes.json", pipeline.WorkPath("example"), d => d["source"]!["url"] = api.Url(BrtGpsFeed.Path).ToString()), ct);
        var site = await pipeline.AddSiteAsync("3304557", "Rio de Janeiro", pipeline.Municipal.ConnectionString(), ct);
        ExampleFiles.EditConfig(site.ConfigPath, c => c["watch"] = new JsonObject { ["minuteSeconds"] = minuteSeconds });
        Console.WriteLine($"fake BRT feed: {api.Url(BrtGpsFeed.Path)}; backend: {pipeline.Endpoint}; central: {pipeline.CentralConnection}");
        Console.WriteLine($"uploader watch, a schedule minute lasting {minuteSeconds} s: a poll every {minuteSeconds} s, a delivery every {minuteSeconds * 10} s; for {minutes} minute(s)");

        await using (LocalPipeline.StartWatch(site, line => Console.WriteLine("uploader | " + line)))
        {
            var end = DateTime.UtcNow.AddMinutes(minutes);
            while (DateTime.UtcNow < end && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(15), ct).ContinueWith(_ => { }, CancellationToken.None);
                var rows = await Central.CountAsync(pipeline.CentralConnection, "SELECT count(*) FROM lists.brt_posicoes", CancellationToken.None);
                var loads = (await pipeline.SnapshotsAsync(CancellationToken.None)).Count(s => s.Status == PecLists.Contracts.SnapshotStatuses.Loaded);
                Console.WriteLine($"central    | lists.brt_posicoes: {rows} positions from {loads} delivery(ies) loaded");
            }
        }

        Central.Print(
            "latest position per vehicle (lists.brt_ultima_posicao)",
            await Central.TableAsync(pipeline.CentralConnection, "SELECT codigo, linha, latitude, longitude, velocidade, data_hora FROM lists.brt_ultima_posicao ORDER BY codigo LIMIT 10", CancellationToken.None));
        Central.Print(
            "deliveries",
            await Central.TableAsync(pipeline.CentralConnection, "SELECT delivery_kind, status, rows_inserted, received_at FROM ingest.snapshots ORDER BY received_at", CancellationToken.None));
        return 0;
    }
}
