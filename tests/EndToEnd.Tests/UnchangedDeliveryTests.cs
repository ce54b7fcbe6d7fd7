using System.Text.Json;
using Azure.Storage.Blobs;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests;

/// <summary>
/// Issue 25's unchanged list, end to end (docs/adr/0024-unchanged-deliveries.md): the real uploader against a municipal
/// PostgreSQL, the function app behind the host stand-in, Azurite and the central PostgreSQL, with a relay in front of the
/// function app that logs every request's bytes. Day 1 travels whole; day 2, where only the extraction-time column
/// changed, sends one small request and nothing is stored, queued or staged; day 3, with one row changed, travels whole
/// and loads it; a week after the last full delivery one is forced; and once central was emptied behind the backend (a
/// restore), the next unchanged delivery is refused and the full delivery that follows by itself reconciles central.
/// </summary>
public sealed class UnchangedDeliveryTests
{
    private const string List = "pacientes_teste";
    private const int Rows = 3000;

    [Fact]
    public async Task An_unchanged_list_sends_under_1_KB_and_no_blob_a_change_a_due_week_and_an_emptied_central_each_bring_a_full_delivery_that_loads()
    {
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] });
        var site = await pipeline.AddMunicipalityAsync("2611606", "Recife (teste)", 10, seed: 25);
        await CreateSourceAsync(pipeline, site);
        await pipeline.PublishListAsync(JsonSerializer.Serialize(new
        {
            name = List,
            version = 1,
            description = "Patients of a test table, with an extraction-time column (issue 25).",
            sql = "SELECT id, nome, peso, nascimento, hipertenso, now() AS dt_extracao FROM pacientes",
            key = new[] { "id" },
            columns = new object[]
            {
                new { name = "id", type = "bigint" }, new { name = "nome", type = "text" }, new { name = "peso", type = "numeric(5,2)" },
                new { name = "nascimento", type = "date" }, new { name = "hipertenso", type = "boolean" },
                new { name = "dt_extracao", type = "timestamptz", compare = false },
            },
        }));
        await using var relay = new ThrottlingRelay(pipeline.Endpoint.Port) { CaptureUpstream = true };
        pipeline.WriteUploaderConfig(site, new Uri($"http://127.0.0.1:{relay.Port}/"));

        // Day 1: nothing held yet, so the unchanged offer is refused and the list travels whole in the same run.
        var day1 = await RunDayAsync(pipeline, site, relay, expectedDeliveries: 1);
        Assert.Contains(FullDeliveryReasons.NothingHeld, day1.Output, StringComparison.Ordinal);
        Assert.Equal((DeliveryKinds.Snapshot, SnapshotStatuses.Loaded, (long)Rows), (day1.Newest.Kind, day1.Newest.Status, day1.Newest.Inserted));
        var fullBytes = Assert.Single(day1.Requests, r => r.RequestLine.StartsWith("PUT ", StringComparison.Ordinal)).Bytes;
        var rowsBefore = await RowVersionsAsync(pipeline, site);
        var blobs = await BlobCountAsync(pipeline);

        // Day 2: only dt_extracao changed. One small POST, no PUT, no blob, no queue message, no row rewritten.
        var day2 = await RunDayAsync(pipeline, site, relay, expectedDeliveries: 2);
        Assert.Equal((DeliveryKinds.Unchanged, SnapshotStatuses.Loaded, 0L, (long)Rows), (day2.Newest.Kind, day2.Newest.Status, day2.Newest.Inserted, day2.Newest.Unchanged));
        // One delivery (one snapshot id); a transport retry of it would show as another attempt of the same request.
        var attempts = day2.Requests.Where(r => r.RequestLine.Contains("/unchanged", StringComparison.Ordinal)).ToList();
        var unchanged = attempts[0];
        Assert.True(attempts.Select(a => a.RequestLine).Distinct().Count() == 1, Describe(day2.Requests));
        Assert.True(attempts.All(a => a.Bytes < 1024), $"the unchanged delivery took {unchanged.Bytes} bytes on the wire");
        Assert.DoesNotContain(day2.Requests, r => r.RequestLine.StartsWith("PUT ", StringComparison.Ordinal) || r.RequestLine.Contains("/upload-session", StringComparison.Ordinal));
        Assert.Equal(blobs, await BlobCountAsync(pipeline));
        Assert.Equal(0, await QueuedAsync(pipeline));
        Assert.Equal(rowsBefore, await RowVersionsAsync(pipeline, site));
        Assert.Empty(Directory.GetFiles(site.SpoolDirectory, "*.csv.gz", SearchOption.AllDirectories));

        // Day 3: one row changed at the source: the offer is refused (digest-differs) and the full delivery loads it.
        await SourceAsync(pipeline, site, "UPDATE pacientes SET nome = 'Conceição Atualizada' WHERE id = 17");
        var day3 = await RunDayAsync(pipeline, site, relay, expectedDeliveries: 3);
        Assert.Contains(FullDeliveryReasons.DigestDiffers, day3.Output, StringComparison.Ordinal);
        Assert.Equal((DeliveryKinds.Snapshot, SnapshotStatuses.Loaded, 1L, (long)Rows - 1), (day3.Newest.Kind, day3.Newest.Status, day3.Newest.Updated, day3.Newest.Unchanged));
        Assert.Single(day3.Requests, r => r.RequestLine.StartsWith("PUT ", StringComparison.Ordinal));
        await AssertReconciledAsync(pipeline, site);

        // A week later (the held full delivery's arrival moved back 8 days: the backend's clock, seen from its record),
        // an unchanged list still travels whole once.
        await CentralAsync(pipeline, "UPDATE ingest.held_digests SET full_received_at = full_received_at - interval '8 days'");
        var week = await RunDayAsync(pipeline, site, relay, expectedDeliveries: 4);
        Assert.Contains(FullDeliveryReasons.FullDue, week.Output, StringComparison.Ordinal);
        Assert.Equal((DeliveryKinds.Snapshot, SnapshotStatuses.Loaded, (long)Rows), (week.Newest.Kind, week.Newest.Status, week.Newest.Unchanged));
        var afterWeek = await RunDayAsync(pipeline, site, relay, expectedDeliveries: 5);
        Assert.Equal(DeliveryKinds.Unchanged, afterWeek.Newest.Kind); // and the day after, unchanged again

        // Nothing lost: central emptied behind the backend's back (a restore). The next unchanged offer is refused and
        // the full delivery that follows in the same run puts every row back.
        await CentralAsync(pipeline, $"DELETE FROM lists.{List} WHERE site_id = '{site.Ibge}'");
        var restored = await RunDayAsync(pipeline, site, relay, expectedDeliveries: 6);
        Assert.Contains(FullDeliveryReasons.CentralDiffers, restored.Output, StringComparison.Ordinal);
        Assert.Equal((DeliveryKinds.Snapshot, SnapshotStatuses.Loaded, (long)Rows), (restored.Newest.Kind, restored.Newest.Status, restored.Newest.Inserted));
        await AssertReconciledAsync(pipeline, site);

        // For the record (the benchmark compares them side by side): the list whole against its unchanged delivery.
        Console.WriteLine($"full delivery PUT: {fullBytes} bytes on the wire; unchanged delivery: {unchanged.Bytes} bytes");
        Assert.True(fullBytes > 20 * unchanged.Bytes, $"full {fullBytes} bytes vs unchanged {unchanged.Bytes} bytes");
    }

    private static string Describe(IEnumerable<WireRequest> requests) => string.Join('\n', requests.Select(r => $"{r.Bytes,8} {r.RequestLine}"));

    private sealed record Delivery(string Kind, string Status, long? Inserted, long? Updated, long? Unchanged);

    private sealed record Day(string Output, IReadOnlyList<WireRequest> Requests, Delivery Newest);

    /// <summary>One scheduled run of the real uploader, settled: its output, the requests it sent and the newest delivery.</summary>
    private static async Task<Day> RunDayAsync(LocalPipeline pipeline, Municipality site, ThrottlingRelay relay, int expectedDeliveries)
    {
        relay.ResetCapture();
        var run = await pipeline.RunUploaderAsync(site);
        Assert.True(run.ExitCode == 0, run.Combined);
        var settled = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3), expectedAtLeast: expectedDeliveries);
        Assert.Equal(expectedDeliveries, settled.Count);
        return new Day(run.Combined, relay.CapturedRequests(), await NewestAsync(pipeline));
    }

    private static async Task<Delivery> NewestAsync(LocalPipeline pipeline)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT delivery_kind, status, rows_inserted, rows_updated, rows_unchanged FROM ingest.snapshots ORDER BY extracted_at DESC LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new Delivery(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4));
    }

    /// <summary>A source table of its own: names with accents, NULLs, decimals; readable by the site's read-only role.</summary>
    private static Task CreateSourceAsync(LocalPipeline pipeline, Municipality site) => SourceAsync(pipeline, site, $"""
        CREATE TABLE pacientes (id bigint PRIMARY KEY, nome text, peso numeric(5,2), nascimento date, hipertenso boolean);
        INSERT INTO pacientes
        SELECT g, (ARRAY['Maria da Conceição', 'José Antônio', 'Ana Lúcia', 'João Batista', 'Francisca Araújo'])[1 + g % 5] || ' ' || g,
               CASE WHEN g % 11 = 0 THEN NULL ELSE 50 + (g % 500) / 10.0 END,
               date '1940-01-01' + (g * 37) % 25000, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 3 = 0 END
          FROM generate_series(1, {Rows}) g;
        GRANT SELECT ON pacientes TO esus_leitura_{site.Ibge};
        """);

    private static async Task SourceAsync(LocalPipeline pipeline, Municipality site, string sql)
    {
        await using var connection = new NpgsqlConnection(pipeline.Municipal.ConnectionString(site.Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task CentralAsync(LocalPipeline pipeline, string sql)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.True(await command.ExecuteNonQueryAsync() > 0, sql);
    }

    /// <summary>Central holds exactly the source's rows, compared column by column as text.</summary>
    private static async Task AssertReconciledAsync(LocalPipeline pipeline, Municipality site)
    {
        const string Columns = "id::text || '|' || coalesce(nome, 'NULL') || '|' || coalesce(peso::text, 'NULL') || '|' || coalesce(nascimento::text, 'NULL') || '|' || coalesce(hipertenso::text, 'NULL')";
        var source = await TextsAsync(pipeline.Municipal.ConnectionString(site.Database), $"SELECT {Columns} FROM pacientes ORDER BY id");
        var central = await TextsAsync(pipeline.CentralConnection, $"SELECT {Columns} FROM lists.{List} WHERE site_id = '{site.Ibge}' ORDER BY id");
        Assert.Equal(Rows, source.Count);
        Assert.Equal(source, central);
    }

    private static async Task<List<string>> RowVersionsAsync(LocalPipeline pipeline, Municipality site) =>
        await TextsAsync(pipeline.CentralConnection, $"SELECT id::text || ':' || xmin::text FROM lists.{List} WHERE site_id = '{site.Ibge}' ORDER BY id");

    private static async Task<List<string>> TextsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task<int> BlobCountAsync(LocalPipeline pipeline)
    {
        var count = 0;
        var service = new BlobServiceClient(pipeline.Storage.ConnectionString);
        await foreach (var container in service.GetBlobContainersAsync())
        {
            await foreach (var _ in service.GetBlobContainerClient(container.Name).GetBlobsAsync())
            {
                count++;
            }
        }

        return count;
    }

    private static async Task<int> QueuedAsync(LocalPipeline pipeline)
    {
        var count = 0;
        await foreach (var queue in pipeline.Queues.GetQueuesAsync())
        {
            count += (await pipeline.Queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value.Length;
        }

        return count;
    }
}
