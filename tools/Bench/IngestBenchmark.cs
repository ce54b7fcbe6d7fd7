using System.Diagnostics;
using System.Globalization;
using LocalInfra;
using Npgsql;
using PecLists.Functions.Commands;
using PecLists.Functions.Sites;
using SyntheticPec;
using PecLists.Contracts;

namespace Bench;

/// <summary>
/// Ingest under load (issue 12, deliverable 3): N snapshot PUTs from C concurrent clients on loopback to the real
/// function app behind the host stand-in, spread over S sites; then every accepted snapshot must settle in exactly one
/// of loaded / skipped / rejected / held. Reports ingest latency percentiles and the refusals (429) counted apart.
/// </summary>
public static class IngestBenchmark
{
    public static async Task<int> RunAsync(int puts, int clients, int siteCount)
    {
        var clock = Stopwatch.StartNew();
        void Say(string text) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");
        var options = new LocalPipelineOptions();
        // The per-site budgets are for one municipality's daily run; here each site sends puts/sites snapshots in a minute or two.
        options.FunctionsEnvironment["Ingest__SnapshotsPerMinutePerSite"] = "1000000";
        options.FunctionsEnvironment["Ingest__PermitsPerMinutePerSite"] = "1000000";
        // A queue batch as large as the load cap, so draining 10,000 loads does not wait on one instance's batch of 2.
        options.FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__batchSize"] = "4";
        Say($"ingest benchmark: {puts} PUTs, {clients} clients, {siteCount} sites");
        await using var pipeline = await LocalPipeline.StartAsync(options);
        var body = await SnapshotBodyAsync(pipeline);
        await using var setup = NpgsqlDataSource.Create(pipeline.CentralConnection);
        var tokens = new string[siteCount];
        for (var i = 0; i < siteCount; i++)
        {
            var ibge = (4100001 + i).ToString(CultureInfo.InvariantCulture);
            await SiteTokens.AddSiteAsync(setup, ibge, $"Load {i}", CancellationToken.None);
            tokens[i] = (await SiteTokens.IssueAsync(setup, ibge, CancellationToken.None)).Token;
        }

        Say($"{siteCount} sites registered; body {body.Length} bytes of gzip CSV (hipertensos); PUTting…");
        var outcomes = new PutOutcome[puts];
        var next = -1;
        var origin = DateTimeOffset.UtcNow.AddHours(-1);
        using var client = new SnapshotPutClient(pipeline.Endpoint, clients);
        var putClock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < puts; i = Interlocked.Increment(ref next))
            {
                // Each PUT its own millisecond: its own snapshot id, later than the site's previous one.
                outcomes[i] = await client.PutAsync(tokens[i % siteCount], "hipertensos", body, origin.AddMilliseconds(i), maxAttempts: 60);
            }
        })));
        var putSeconds = putClock.Elapsed.TotalSeconds;
        Say(string.Create(CultureInfo.InvariantCulture, $"{puts} PUTs in {putSeconds:F1} s; waiting for every snapshot to settle…"));

        var drain = Stopwatch.StartNew();
        var accepted = outcomes.Where(o => o.Status == 202).Select(o => o.SnapshotId).ToArray();
        var counts = await SettleAsync(pipeline, accepted, TimeSpan.FromMinutes(20));
        var drainSeconds = drain.Elapsed.TotalSeconds;
        IngestReport.Print(puts, clients, siteCount, putSeconds, drainSeconds, outcomes, counts, await TotalSnapshotsAsync(pipeline));
        var settled = counts.Where(c => c.Key is SnapshotStatuses.Loaded or SnapshotStatuses.Skipped or SnapshotStatuses.Rejected or SnapshotStatuses.Held).Sum(c => c.Value);
        return settled == accepted.Length && accepted.Length == puts ? 0 : 1;
    }

    /// <summary>A valid hipertensos snapshot: the list's SQL over a small synthetic PEC database, as the uploader extracts it.</summary>
    private static async Task<byte[]> SnapshotBodyAsync(LocalPipeline pipeline)
    {
        await pipeline.Municipal.CreateDatabaseAsync("esus");
        await using var connection = new NpgsqlConnection(pipeline.Municipal.ConnectionString("esus"));
        await connection.OpenAsync();
        await PecDatabase.CreateSchemaAsync(connection);
        await PecDatabase.PopulateAsync(connection, new PecSeed(500, 7, "4100001", "Load", DateOnly.FromDateTime(DateTime.Today)));
        var list = ListDefinitionFile.Read(Path.Combine(RepoPaths.ListsDirectory, "hipertensos.json"));
        using var reader = await connection.BeginTextExportAsync($"COPY (\n{list.Sql}\n) TO STDOUT (FORMAT csv, HEADER)");
        return SnapshotPutClient.Gzip(await reader.ReadToEndAsync());
    }

    /// <summary>Polls until every accepted snapshot is loaded, skipped, rejected or held (or the time is up); returns the count per status.</summary>
    private static async Task<Dictionary<string, int>> SettleAsync(LocalPipeline pipeline, Guid[] ids, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT status, count(*)::int FROM ingest.snapshots WHERE snapshot_id = ANY(@ids) GROUP BY status", connection);
            command.Parameters.AddWithValue("ids", ids);
            var counts = new Dictionary<string, int>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    counts[reader.GetString(0)] = reader.GetInt32(1);
                }
            }

            var settled = counts.Where(c => c.Key is SnapshotStatuses.Loaded or SnapshotStatuses.Skipped or SnapshotStatuses.Rejected or SnapshotStatuses.Held).Sum(c => c.Value);
            if (settled == ids.Length || deadline.Elapsed > timeout || pipeline.Host.HandlerExited)
            {
                return counts;
            }

            await Task.Delay(500);
        }
    }

    private static async Task<long> TotalSnapshotsAsync(LocalPipeline pipeline)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        return await Central.ScalarAsync<long>(connection, "SELECT count(*) FROM ingest.snapshots");
    }
}
