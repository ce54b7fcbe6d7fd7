using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;
using LocalInfra;
using Npgsql;

namespace Bench;

/// <summary>
/// An unchanged list's next day, side by side in one run (docs/adr/0024-unchanged-deliveries.md): the list sent whole as
/// before (only its extraction-time column changed: PUT, blob, queue, staged diff that writes nothing) against its
/// unchanged delivery (one POST), through the real function app behind the host stand-in, Azurite and the central
/// PostgreSQL (fsync on). Bytes on the wire are counted by a relay in front of the function app; time is from the
/// request to the snapshot loaded; central WAL per step. Also the held digest's cost on a full load: the digest read
/// alone, against the same site's rows.
/// </summary>
public static class UnchangedBenchmark
{
    private const string List = "bench_inalterada";

    private static readonly string[] Key = ["id"];

    public static async Task<int> RunAsync(int rows, int runs)
    {
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [], DurableCentral = true });
        await pipeline.PublishListAsync(JsonSerializer.Serialize(new
        {
            name = List,
            version = 1,
            description = "Benchmark list: a patient register with an extraction-time column.",
            sql = "SELECT 1",
            key = Key,
            columns = new object[]
            {
                new { name = "id", type = "bigint" }, new { name = "nome", type = "text" }, new { name = "peso", type = "numeric" },
                new { name = "nascimento", type = "date" }, new { name = "equipe", type = "text" },
                new { name = "dt_extracao", type = "timestamptz", compare = false },
            },
        }));
        await using var database = NpgsqlDataSource.Create(pipeline.CentralConnection);
        const string Site = "2611606";
        await SiteTokens.AddSiteAsync(database, Site, "Bench", CancellationToken.None);
        var (_, token) = await SiteTokens.IssueAsync(database, Site, CancellationToken.None);
        await using var control = await database.OpenConnectionAsync();
        var definition = (await ListCatalog.LoadActiveAsync(database, CancellationToken.None))[List];

        await using var relay = new ThrottlingRelay(pipeline.Endpoint.Port) { CaptureUpstream = true };
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{relay.Port}/"), Timeout = TimeSpan.FromMinutes(10) };
        Console.WriteLine($"unchanged benchmark: {rows} rows, {runs} run(s), median reported; central fsync on");

        var day = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddDays(-(2 * runs) - 2).ToUnixTimeMilliseconds());
        var first = await PutAsync(http, token, Csv(rows, day), day);
        await WaitLoadedAsync(control, first);

        var full = new List<(long Bytes, double Seconds, Measurement Central)>();
        var unchanged = new List<(long Bytes, double Seconds, Measurement Central)>();
        var digestRead = new List<double>();
        var edgeDigest = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            // As before this change: the whole list again, only dt_extracao differs.
            day = day.AddDays(1);
            var csv = Csv(rows, day);
            relay.ResetCount();
            Guid id = default;
            var clock = Stopwatch.StartNew();
            var m = await Central.MeasureAsync(pipeline.Central, control, async () =>
            {
                id = await PutAsync(http, token, csv, day);
                await WaitLoadedAsync(control, id);
            });
            full.Add((relay.UpstreamBytes, clock.Elapsed.TotalSeconds, m));

            // The edge's digest of the same rows, then the unchanged delivery the next day.
            day = day.AddDays(1);
            var edge = Stopwatch.StartNew();
            var digest = Digest(definition, Csv(rows, day));
            edgeDigest.Add(edge.Elapsed.TotalSeconds);
            relay.ResetCount();
            clock.Restart();
            m = await Central.MeasureAsync(pipeline.Central, control, async () => await PostUnchangedAsync(http, token, day, new UnchangedDeliveryDto(1, digest.Rows, digest.Value)));
            unchanged.Add((relay.UpstreamBytes, clock.Elapsed.TotalSeconds, m));

            // What each full load now pays on top: the held digest's read of the site's rows, alone.
            clock.Restart();
            await control.QuerySingleAsync<(long, long, long)>(RowsDigestSql.For(definition), new { site = Site });
            digestRead.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {run}: full {full[^1].Bytes,10} B {full[^1].Seconds,7:F3} s {full[^1].Central.WalBytes / 1e6,7:F2} MB WAL | unchanged {unchanged[^1].Bytes,5} B {unchanged[^1].Seconds,7:F3} s {unchanged[^1].Central.WalBytes / 1e6,7:F3} MB WAL | digest read {digestRead[^1]:F3} s, edge digest {edgeDigest[^1]:F3} s"));
        }

        var (keptSeconds, fullSeconds) = await KeptDigestAsync(control, definition, Site, first, rows, runs);

        var loadSeconds = await control.QueryAsync<double>(
            "SELECT extract(epoch FROM load_finished_at - load_started_at)::float8 FROM ingest.snapshots WHERE delivery_kind = @kind AND status = @loaded ORDER BY extracted_at OFFSET 1",
            new { kind = DeliveryKinds.Snapshot, loaded = SnapshotStatuses.Loaded });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            median of {runs}:
              full delivery (next day, nothing changed)  {Median(full.Select(f => (double)f.Bytes)),12:F0} B on the wire  {Median(full.Select(f => f.Seconds)),7:F3} s until loaded (load {Median(loadSeconds),6:F3} s)  {Median(full.Select(f => f.Central.WalBytes / 1e6)),7:F2} MB WAL
              unchanged delivery                         {Median(unchanged.Select(f => (double)f.Bytes)),12:F0} B on the wire  {Median(unchanged.Select(f => f.Seconds)),7:F3} s until loaded                  {Median(unchanged.Select(f => f.Central.WalBytes / 1e6)),7:F3} MB WAL
              held digest read (part of every full load) {Median(digestRead),7:F3} s; edge digest of the CSV {Median(edgeDigest),7:F3} s
              held digest after a load changing 1% of rows ({rows / 100} updated): kept from the writes {Median(keptSeconds),7:F3} s (extra over the plain update) | full recompute {Median(fullSeconds),7:F3} s
            """));
        return 0;
    }

    /// <summary>
    /// The held digest's cost after a load that updates 1% of the site's rows, both ways, on the same delta and rows, each
    /// in a transaction rolled back: kept from the load's writes (the updated rows' old terms read by key, the update
    /// run with RETURNING and its new terms summed), measured as its extra time over the plain update; against the full
    /// recompute of the site's rows after the plain update (docs/adr/0024-unchanged-deliveries.md, "Keeping the digest").
    /// </summary>
    private static async Task<(List<double> Kept, List<double> Full)> KeptDigestAsync(NpgsqlConnection control, ListDefinition list, string site, Guid snapshotId, int rows, int runs)
    {
        var sql = new MergeSql(list);
        var parameters = new { site, snapshotId };
        var stageDelta = $"""
            INSERT INTO {list.StagingTableName} (site_id, snapshot_id, ingest_op, id, nome, peso, nascimento, equipe, dt_extracao)
            SELECT site_id, @snapshotId, 'u', id, nome || ' (alterado)', peso, nascimento, equipe, dt_extracao
              FROM {list.TableName} WHERE site_id = @site AND id % 100 = 0
            """;
        var kept = new List<double>();
        var full = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await using (var plain = await control.BeginTransactionAsync())
            {
                await control.ExecuteAsync(stageDelta, parameters, plain);
                var clock = Stopwatch.StartNew();
                await control.ExecuteAsync(new CommandDefinition(sql.Update!, parameters, plain, commandTimeout: 0));
                var update = clock.Elapsed.TotalSeconds;
                clock.Restart();
                await control.QuerySingleAsync<(long, long, long)>(new CommandDefinition(RowsDigestSql.For(list), parameters, plain, commandTimeout: 0));
                full.Add(clock.Elapsed.TotalSeconds);
                await plain.RollbackAsync();

                await using var keeping = await control.BeginTransactionAsync();
                await control.ExecuteAsync(stageDelta, parameters, keeping);
                clock.Restart();
                await control.QuerySingleAsync<(long, long, long)>(new CommandDefinition(sql.UpdatedBefore!, parameters, keeping, commandTimeout: 0));
                var (updated, _, _) = await control.QuerySingleAsync<(long, long, long)>(new CommandDefinition(sql.UpdateDigest!, parameters, keeping, commandTimeout: 0));
                kept.Add(clock.Elapsed.TotalSeconds - update);
                await keeping.RollbackAsync();
                if (updated != rows / 100)
                {
                    throw new InvalidOperationException($"the 1% update wrote {updated} rows, not {rows / 100}");
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  1% changed, run {run + 1}: digest kept {kept[^1]:F3} s | full recompute {full[^1]:F3} s"));
        }

        return (kept, full);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    /// <summary>The list on <paramref name="day"/>: the same rows every day but dt_extracao (accents, NULLs, decimals).</summary>
    private static string Csv(int rows, DateTimeOffset day)
    {
        var text = new StringBuilder("id,nome,peso,nascimento,equipe,dt_extracao\n");
        string[] names = ["Maria da Conceição", "José Antônio", "Ana Lúcia", "João Batista", "Francisca Araújo"];
        var extracted = day.ToString("yyyy-MM-dd HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        for (var i = 1; i <= rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{names[i % 5]} {i},{(i % 11 == 0 ? string.Empty : (50 + (i % 500) / 10.0).ToString("0.0", CultureInfo.InvariantCulture))},{new DateOnly(1940, 1, 1).AddDays(i * 37 % 25000):yyyy-MM-dd},Equipe {i % 40},{extracted}\n");
        }

        return text.ToString();
    }

    /// <summary>The edge's digest of the CSV's rows, as the uploader computes it (contracts' canonical values).</summary>
    private static RowsDigest Digest(ListDefinition list, string csv)
    {
        var compared = RowsDigest.ComparedColumns(list.ToDto()).Select(c => (Index: list.Columns.ToList().FindIndex(x => x.Name == c.Name), Kind: RowsDigest.KindOf(c.Type))).ToList();
        var digest = new RowsDigest();
        foreach (var line in csv.Split('\n').Skip(1).Where(l => l.Length > 0))
        {
            var fields = line.Split(','); // the benchmark's CSV has no quoted fields
            digest.Add([.. compared.Select(c => RowsDigest.Canonical(c.Kind, fields[c.Index].Length == 0 ? null : fields[c.Index]))]);
        }

        return digest;
    }

    private static async Task<Guid> PutAsync(HttpClient http, string token, string csv, DateTimeOffset day)
    {
        var body = SnapshotPutClient.Gzip(csv);
        var id = SnapshotIds.New(day);
        using var request = SnapshotUploadRequest.Create(token, List, id, day, new ByteArrayContent(body), ContentDigest.Format(SHA256.HashData(body)));
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"PUT: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return id;
    }

    private static async Task PostUnchangedAsync(HttpClient http, string token, DateTimeOffset day, UnchangedDeliveryDto claim)
    {
        using var request = SnapshotUploadRequest.CreateUnchanged(token, List, SnapshotIds.New(day), day, claim);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"unchanged: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task WaitLoadedAsync(NpgsqlConnection control, Guid id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (DateTime.UtcNow < deadline)
        {
            var status = await control.ExecuteScalarAsync<string?>("SELECT status FROM ingest.snapshots WHERE snapshot_id = @id", new { id });
            if (status == SnapshotStatuses.Loaded)
            {
                return;
            }

            if (status is SnapshotStatuses.Rejected or SnapshotStatuses.Held or SnapshotStatuses.Skipped)
            {
                throw new InvalidOperationException($"snapshot {id}: {status}");
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"snapshot {id} not loaded in 10 minutes");
    }
}
