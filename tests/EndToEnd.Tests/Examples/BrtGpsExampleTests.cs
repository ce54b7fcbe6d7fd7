using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using LocalInfra;
using LocalInfra.Examples;
using LocalInfra.FakeApis;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests.Examples;

/// <summary>
/// examples/brt-gps end to end: its definition (signed v3 and published by the real commands, only the feed's address
/// changed to a local fake shaped like Rio's BRT feed), polled by the real <c>uploader watch</c> every schedule minute
/// (shortened to a second by <c>watch.minuteSeconds</c>, so "every minute, delivered every 10" runs in seconds),
/// delivered in batches through the host stand-in and Azurite into the central PostgreSQL, appended by key. The feed
/// moves for 8 polls and answers one poll with a 429 (Retry-After: 1), one with a 500 and one with a row that lacks
/// <c>velocidade</c>.
/// </summary>
public sealed class BrtGpsExampleTests
{
    private const string Example = "brt-gps";
    private const string List = "brt_posicoes";
    private const int Vehicles = 12;
    private const int MovingPolls = 8;

    [Fact]
    public async Task Overlapping_polls_arrive_once_each_the_view_holds_each_vehicles_latest_position_a_429_and_a_500_are_retried_and_a_missing_field_is_source_shape_in_the_heartbeat()
    {
        await using var api = FakeJsonApi.Start();
        var feed = new BrtGpsFeed
        {
            Vehicles = Vehicles,
            MovingPolls = MovingPolls,
            RequestQuirks = new Dictionary<int, PageQuirk>
            {
                [2] = PageQuirk.TooManyRequestsOnce(retryAfterSeconds: 1),
                [4] = PageQuirk.ServerErrorOnce(),
                [6] = PageQuirk.FieldMissing("velocidade", fromRow: 3),
            },
        };
        feed.MapOn(api);
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] });
        await pipeline.SignAndPublishAsync(ExampleFiles.Copy(Example, List + ".json", pipeline.WorkPath("example"), d => d["source"]!["url"] = api.Url(BrtGpsFeed.Path).ToString()));
        var site = await pipeline.AddSiteAsync("3304557", "Rio de Janeiro (teste)", pipeline.Municipal.ConnectionString());
        ExampleFiles.EditConfig(site.ConfigPath, c =>
        {
            c["watch"] = new JsonObject { ["minuteSeconds"] = 1 };
            c["http"] = new JsonObject { ["firstRetryDelaySeconds"] = 0.2 };
        });
        var expected = ExpectedRows();

        await using (var watch = LocalPipeline.StartWatch(site))
        {
            // Until every reading is central, a heartbeat told the failed poll, and at least two batches loaded: how the
            // polls fall into 10-second batches depends on when the watch started, so the second batch is waited for.
            await Eventually.UntilAsync(
                async () => (
                    Rows: await CentralCountAsync(pipeline, site),
                    Heartbeats: (await HeartbeatCategoriesAsync(pipeline, site)).Count,
                    LoadedBatches: (await pipeline.SnapshotsAsync()).Count(s => s.List == List && s.Status == SnapshotStatuses.Loaded)),
                seen => seen.Rows == expected.Count && seen.Heartbeats > 0 && seen.LoadedBatches >= 2,
                TimeSpan.FromSeconds(90),
                "every reading central, a heartbeat with a failure category and two batches loaded",
                TimeSpan.FromMilliseconds(250),
                seen => $"central rows: {seen.Rows}/{expected.Count}, heartbeat categories: {seen.Heartbeats}, batches loaded: {seen.LoadedBatches}, polls answered: {feed.PollsAnswered}",
                () => watch.Output);
            Assert.Contains(watch.OutputLines, l => l.Contains("could not extract brt_posicoes: ", StringComparison.Ordinal) && l.Contains("velocidade", StringComparison.Ordinal));
            Assert.Contains(watch.OutputLines, l => l.Contains("poll(s) closed into one delivery", StringComparison.Ordinal) && !l.Contains(": 1 poll(s)", StringComparison.Ordinal));
        }

        // The watch is stopped: whatever it delivered last settles (loaded, or skipped when a newer batch overtook it).
        await Eventually.UntilAsync(
            async () => (await pipeline.SnapshotsAsync()).Where(s => s.List == List).ToList(),
            deliveries => deliveries.All(s => s.Status is SnapshotStatuses.Loaded or SnapshotStatuses.Skipped),
            TimeSpan.FromSeconds(60),
            "every delivery of the stopped watch loaded or skipped",
            TimeSpan.FromMilliseconds(250),
            deliveries => string.Join(", ", deliveries.GroupBy(s => s.Status).Select(g => $"{g.Key}={g.Count()}")));

        // Every reading the feed gave, once, value by value, whatever number of polls carried it.
        Assert.Equal(expected, await CentralRowsAsync(pipeline, site, $"SELECT codigo, latitude, longitude, data_hora, velocidade FROM lists.{List} WHERE site_id = @site"));
        var loads = (await pipeline.SnapshotsAsync()).Where(s => s.List == List).ToList();
        Assert.True(loads.Count(l => l.Status == SnapshotStatuses.Loaded) >= 2, $"{loads.Count} deliveries");
        Assert.All(loads, l => Assert.Contains(l.Status, (string[])[SnapshotStatuses.Loaded, SnapshotStatuses.Skipped]));
        var delivered = await DeliveredRowsAsync(pipeline);
        Assert.True(delivered > expected.Count, $"the deliveries carried {delivered} rows for {expected.Count} distinct readings: the polls did not overlap, so the key proved nothing");
        Assert.Equal(expected.Count, loads.Sum(l => l.Inserted ?? 0));

        // The view: one row per vehicle, its latest reading.
        var latest = Enumerable.Range(0, Vehicles).Select(n => Row(n, BrtGpsFeed.ReadingOf(n, MovingPolls - 1))).ToHashSet();
        Assert.Equal(latest, await CentralRowsAsync(pipeline, site, "SELECT codigo, latitude, longitude, data_hora, velocidade FROM lists.brt_ultima_posicao WHERE site_id = @site"));

        // The 429 and the 500 were retried within their polls (the 429 no sooner than its Retry-After); the missing
        // member failed its poll as source-shape, told in a heartbeat at once; nothing was a source-api failure.
        var requests = api.Requests;
        Assert.True(requests[2].ArrivedAt - requests[1].ArrivedAt >= TimeSpan.FromSeconds(0.9), $"retried {requests[2].ArrivedAt - requests[1].ArrivedAt} after the 429");
        Assert.Equal([FailureCategories.SourceShape], await HeartbeatCategoriesAsync(pipeline, site));
    }

    /// <summary>Every reading a moving feed gives over its polls: vehicle n's readings 0 … ReadingOf(n, last poll).</summary>
    private static HashSet<string> ExpectedRows() =>
        [.. from n in Enumerable.Range(0, Vehicles) from r in Enumerable.Range(0, BrtGpsFeed.ReadingOf(n, MovingPolls - 1) + 1) select Row(n, r)];

    private static string Row(int n, int reading) => string.Join(
        '|',
        BrtGpsFeed.CodigoOf(n),
        BrtGpsFeed.LatitudeOf(n, reading).ToString(CultureInfo.InvariantCulture),
        BrtGpsFeed.LongitudeOf(n, reading).ToString(CultureInfo.InvariantCulture),
        DateTimeOffset.FromUnixTimeMilliseconds(BrtGpsFeed.DataHoraOf(n, reading)).ToString("O", CultureInfo.InvariantCulture),
        BrtGpsFeed.VelocidadeOf(n)?.ToString(CultureInfo.InvariantCulture) ?? "NULL");

    private static async Task<HashSet<string>> CentralRowsAsync(LocalPipeline pipeline, Municipality site, string sql)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("site", site.Ibge);
        var rows = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = string.Join(
                '|',
                reader.GetString(0),
                ((double)reader.GetDecimal(1)).ToString(CultureInfo.InvariantCulture),
                ((double)reader.GetDecimal(2)).ToString(CultureInfo.InvariantCulture),
                reader.GetFieldValue<DateTimeOffset>(3).ToString("O", CultureInfo.InvariantCulture),
                reader.IsDBNull(4) ? "NULL" : reader.GetInt32(4).ToString(CultureInfo.InvariantCulture));
            Assert.True(rows.Add(row), $"twice: {row}");
        }

        return rows;
    }

    private static async Task<long> CentralCountAsync(LocalPipeline pipeline, Municipality site)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM lists.{List} WHERE site_id = @site", connection);
        command.Parameters.AddWithValue("site", site.Ibge);
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0; // nothing loaded yet
        }
    }

    private static async Task<List<string>> HeartbeatCategoriesAsync(LocalPipeline pipeline, Municipality site)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT DISTINCT report->>'errorCode' FROM ingest.heartbeats WHERE site_id = @site AND report->>'kind' = 'run' AND report->>'errorCode' IS NOT NULL", connection);
        command.Parameters.AddWithValue("site", site.Ibge);
        var categories = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            categories.Add(reader.GetString(0));
        }

        return categories;
    }

    /// <summary>The data rows of every delivery stored in Blob storage (header lines not counted).</summary>
    private static async Task<long> DeliveredRowsAsync(LocalPipeline pipeline)
    {
        long rows = 0;
        var service = new BlobServiceClient(pipeline.Storage.ConnectionString);
        await foreach (var container in service.GetBlobContainersAsync())
        {
            var client = service.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var bytes = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var reader = new StreamReader(gzip, Encoding.UTF8);
                rows += (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
            }
        }

        return rows;
    }
}
