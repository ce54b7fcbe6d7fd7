using System.Globalization;
using Dapper;
using LocalInfra;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Commands;
using PecLists.Functions.Data;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;
using PecLists.Functions.Storage;
using SyntheticPec;

namespace Bench;

/// <summary>
/// Issue 25's goal "first load of a list ≤ 1.3× a raw COPY into an empty table with the same primary key": the same
/// hipertensos CSV, in each run, (a) COPYed by PostgreSQL from client memory into an empty table made by the same DDL
/// as the list's table (ListPublisher.CreateTableSql: same columns, same (site_id, id_cidadao) primary key, same
/// defaults; PostgreSQL's default fillfactor, where the list's table keeps 10 % of each page free), and (b) loaded by SnapshotLoader as the load function runs it (blob from Azurite, gunzip, COPY into the
/// list's table, bookkeeping). The order of the two alternates from run to run; medians and per-run ratios are printed.
/// </summary>
public static class FirstLoadBenchmark
{
    private const string Site = "2611606";

    public static async Task<int> RunAsync(int rows, int runs)
    {
        await using var central = await PostgresServer.StartAsync(durable: true);
        await using var municipal = await PostgresServer.StartAsync();
        await using var azurite = await AzuriteServer.StartAsync();
        var list = ListDefinitionFile.Read(Path.Combine(RepoPaths.ListsDirectory, "hipertensos.json"));
        Console.WriteLine($"first-load benchmark: {rows} rows of hipertensos ({list.Columns.Count} columns), {runs} runs, medians reported");
        var csv = await ExtractAsync(municipal, list, rows);
        var gzip = SnapshotPutClient.Gzip(csv);
        Console.WriteLine($"source ready: {csv.Length / 1e6:F1} MB CSV, {gzip.Length / 1e6:F1} MB gzip");

        await central.CreateDatabaseAsync("central");
        var centralConnection = central.ConnectionString("central");
        if (!Migrator.Migrate(centralConnection, TextWriter.Null).Succeeded)
        {
            throw new InvalidOperationException("migration failed");
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Central"] = centralConnection })
            .AddEnvironmentVariables()
            .Build();
        var loadOptions = new LoadOptions();
        configuration.GetSection(LoadOptions.Section).Bind(loadOptions);
        await using var database = CentralDatabase.Create(configuration);
        await ListPublisher.PublishAsync(database, list, activate: true, CancellationToken.None);
        await SiteTokens.AddSiteAsync(database, Site, "Bench", CancellationToken.None);
        await using var control = await database.OpenConnectionAsync();
        var raw = list with { Name = "raw_copy" };
        // The list's DDL but PostgreSQL's default fillfactor: the baseline is the plainest table with that primary key.
        await Central.ExecAsync(control, ListPublisher.CreateTableSql(raw) + $"; ALTER TABLE {raw.TableName} RESET (fillfactor)");
        var columnList = string.Join(", ", list.Columns.Select(c => $"\"{c.Name}\""));

        var blobs = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString);
        await blobs.GetBlobContainerClient("snapshots").CreateIfNotExistsAsync();
        var store = new SnapshotStore(blobs, Options.Create(new SnapshotStorageOptions()));
        var loader = new SnapshotLoader(database, store, new ListCatalog(database, TimeProvider.System), Options.Create(loadOptions), NullLogger<SnapshotLoader>.Instance);

        var rawRuns = new List<Measurement>();
        var oursRuns = new List<Measurement>();
        var clock = DateTimeOffset.UtcNow.AddDays(-runs);
        for (var run = 1; run <= runs; run++)
        {
            await Central.ExecAsync(control, $"TRUNCATE {raw.TableName}; TRUNCATE {list.TableName}; DELETE FROM ingest.load_state");
            clock = clock.AddMinutes(1);
            var message = await StageAsync(database, store, gzip, clock);
            async Task<Measurement> RawAsync() => await Central.MeasureAsync(central, control, async () =>
            {
                await using var transaction = await control.BeginTransactionAsync();
                await control.ExecuteAsync("SELECT set_config('ingest.site_id', @Site, true), set_config('ingest.snapshot_id', @id, true)", new { Site, id = Guid.NewGuid().ToString() }, transaction);
                await using (var writer = await control.BeginTextImportAsync($"COPY {raw.TableName} ({columnList}) FROM STDIN (FORMAT csv, HEADER)"))
                {
                    await writer.WriteAsync(csv);
                }

                await transaction.CommitAsync();
            });
            async Task<Measurement> OursAsync() => await Central.MeasureAsync(central, control, async () =>
            {
                var result = await loader.LoadAsync(message, CancellationToken.None);
                if (result.Status != SnapshotStatuses.Loaded || result.Path != "first-load" || result.Rows?.Inserted != rows)
                {
                    throw new InvalidOperationException($"ours: {result.Status} {result.Path} {result.Rows} {result.Reason}");
                }
            });

            // Alternate which goes first: the second of two back-to-back loads finds a warmer cache.
            Measurement r, o;
            if (run % 2 == 1)
            {
                r = await RawAsync();
                o = await OursAsync();
            }
            else
            {
                o = await OursAsync();
                r = await RawAsync();
            }

            rawRuns.Add(r);
            oursRuns.Add(o);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: raw COPY (same primary key) {r.Seconds:F2} s {r.WalBytes / 1e6:F1} MB WAL; ours: first load {o.Seconds:F2} s {o.WalBytes / 1e6:F1} MB WAL; {o.Seconds / r.Seconds:F2}×"));
        }

        double Median(IEnumerable<double> values) => values.Order().ElementAt(runs / 2);
        var rawSeconds = Median(rawRuns.Select(m => m.Seconds));
        var oursSeconds = Median(oursRuns.Select(m => m.Seconds));
        var ratio = oursSeconds / rawSeconds;
        Console.WriteLine();
        Console.WriteLine($"| first load, {rows} rows of hipertensos (median of {runs}) | time (s) | × raw COPY | central WAL (MB) | × raw COPY WAL |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| raw COPY into an empty table, same DDL and primary key | {rawSeconds:F2} | 1.00 | {Median(rawRuns.Select(m => (double)m.WalBytes)) / 1e6:F1} | 1.00 |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| ours: first load (blob → gunzip → COPY, bookkeeping) | {oursSeconds:F2} | {ratio:F2} | {Median(oursRuns.Select(m => (double)m.WalBytes)) / 1e6:F1} | {Median(oursRuns.Select(m => (double)m.WalBytes)) / Median(rawRuns.Select(m => (double)m.WalBytes)):F2} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"per-run ratios: {string.Join(", ", oursRuns.Zip(rawRuns, (o, r) => (o.Seconds / r.Seconds).ToString("F2", CultureInfo.InvariantCulture)))}; goal ≤ 1.3× on the medians: {(ratio <= 1.3 ? "met" : "NOT met")}"));
        return 0;
    }

    private static async Task<string> ExtractAsync(PostgresServer municipal, ListDefinition list, int rows)
    {
        await municipal.CreateDatabaseAsync("esus");
        await using var source = new NpgsqlConnection(municipal.ConnectionString("esus"));
        await source.OpenAsync();
        // About 21% of synthetic citizens are hypertensive; 5 citizens per wanted row leaves a margin.
        await PecDatabase.CreateSchemaAsync(source);
        await PecDatabase.PopulateAsync(source, new PecSeed(rows * 5, 42, Site, "Bench", DateOnly.FromDateTime(DateTime.Today)));
        await Central.ExecAsync(source, $"CREATE TABLE lista AS SELECT * FROM (\n{list.Sql}\n) q ORDER BY id_cidadao LIMIT {rows}");
        using var reader = await source.BeginTextExportAsync("COPY (SELECT * FROM lista) TO STDOUT (FORMAT csv, HEADER)");
        return await reader.ReadToEndAsync();
    }

    private static async Task<LoadMessage> StageAsync(NpgsqlDataSource database, SnapshotStore store, byte[] body, DateTimeOffset extractedAt)
    {
        var id = Guid.CreateVersion7(extractedAt);
        var blob = SnapshotStore.BlobName(Site, "hipertensos", extractedAt, id);
        await store.TryCreateAsync(blob, new MemoryStream(body), new Dictionary<string, string>(), CancellationToken.None);
        var digest = ContentDigest.Format(System.Security.Cryptography.SHA256.HashData(body));
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, status)
            VALUES (@id, @Site, 'hipertensos', @blob, @digest, @bytes, @extractedAt, 'queued')
            """,
            new { id, Site, blob, digest, bytes = (long)body.Length, extractedAt });
        return new LoadMessage(id, Site, "hipertensos", blob, extractedAt);
    }
}
