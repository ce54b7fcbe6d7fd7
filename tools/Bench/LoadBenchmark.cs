using System.Globalization;
using System.IO.Compression;
using System.Text;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Commands;
using PecLists.Functions.Data;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;
using PecLists.Functions.Storage;
using LocalInfra;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticPec;

namespace Bench;

/// <summary>
/// The same list loaded side by side into one central PostgreSQL (fsync on): PostgreSQL's raw COPY (the physical
/// limit), our loader (blob → gunzip → staging COPY → hash merge), and the legacy method (postgres_fdw foreign table
/// on the municipal cluster: DELETE + INSERT … SELECT). Time and central WAL for a first load, an unchanged reload
/// and a churned reload (5% updated, 1% deleted, 1% new).
/// </summary>
public static class LoadBenchmark
{
    private const string Site = "2611606";

    public static async Task<int> RunAsync(int rows, int runs)
    {
        await using var central = await PostgresServer.StartAsync(durable: true);
        await using var municipal = await PostgresServer.StartAsync();
        await using var azurite = await AzuriteServer.StartAsync();
        var list = ListDefinitionFile.Read(Path.Combine(RepoPaths.ListsDirectory, "hipertensos.json"));
        Console.WriteLine($"load benchmark: {rows} rows of hipertensos ({list.Columns.Count} columns, {list.Columns.Count(c => !c.Compare)} not compared), {runs} run(s), median reported");

        var (baseCsv, reorderedCsv, churnCsv, changedRows, volatileCsv) = await PrepareSourceAsync(municipal, list, rows);
        Console.WriteLine($"source ready: base {baseCsv.Length / 1e6:F1} MB CSV, churn changes {changedRows} rows");

        await central.CreateDatabaseAsync("central");
        var centralConnection = central.ConnectionString("central");
        if (!Migrator.Migrate(centralConnection, TextWriter.Null).Succeeded)
        {
            throw new InvalidOperationException("migration failed");
        }

        // The same data source and load options as the functions app, from the same configuration keys.
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Central"] = centralConnection })
            .AddEnvironmentVariables()
            .Build();
        var loadOptions = new LoadOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(LoadOptions.Section), loadOptions);
        Console.WriteLine($"load options: work_mem {loadOptions.WorkMemMB} MB, temp_buffers {loadOptions.TempBuffersMB} MB");
        await using var database = CentralDatabase.Create(configuration);
        await ListPublisher.PublishAsync(database, list, activate: true, CancellationToken.None);
        await SiteTokens.AddSiteAsync(database, Site, "Bench", CancellationToken.None);
        await using var control = await database.OpenConnectionAsync();
        var columnsDdl = string.Join(", ", list.Columns.Select(c => $"\"{c.Name}\" {c.Type}"));
        var columnList = string.Join(", ", list.Columns.Select(c => $"\"{c.Name}\""));
        await Central.ExecAsync(control, $"CREATE TABLE bench_raw (site_id text, {columnsDdl})");
        await Central.ExecAsync(control, $"CREATE TABLE bench_raw_pk (site_id text, {columnsDdl}, PRIMARY KEY (id_cidadao))");
        await Central.ExecAsync(control, $"CREATE TABLE legacy_hipertensos (site_id text NOT NULL, {columnsDdl}, PRIMARY KEY (site_id, id_cidadao))");
        await ConfigureFdwAsync(municipal, central, columnsDdl);

        var store = new SnapshotStore(new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString), Options.Create(new SnapshotStorageOptions()));
        await new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("snapshots").CreateIfNotExistsAsync();
        var loader = new SnapshotLoader(database, store, new ListCatalog(database, TimeProvider.System), Options.Create(loadOptions), NullLogger<SnapshotLoader>.Instance);
        var baseGzip = Gzip(baseCsv);
        var reorderedGzip = Gzip(reorderedCsv);
        var churnGzip = Gzip(churnCsv);
        var volatileGzip = volatileCsv is null ? null : Gzip(volatileCsv);

        var results = new Dictionary<string, List<Measurement>>();
        void Add(string name, Measurement m)
        {
            (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(m);
            Console.WriteLine($"  {name,-32} {m.Seconds,8:F2} s {m.WalBytes / 1e6,10:F2} MB WAL ({m.FullPageImageBytes / 1e6:F2} MB full-page images)");
        }

        var clock = DateTimeOffset.UtcNow.AddDays(-runs * 3);
        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"run {run}/{runs}");
            foreach (var table in new[] { "bench_raw", "bench_raw_pk" })
            {
                await Central.ExecAsync(control, $"TRUNCATE {table}");
                Add(table == "bench_raw" ? "raw COPY" : "raw COPY (with PK)", await Central.MeasureAsync(central, control, () => CopyAsync(control, $"COPY {table} ({columnList}) FROM STDIN (FORMAT csv, HEADER)", baseCsv)));
            }

            await Central.ExecAsync(control, "TRUNCATE lists.hipertensos; DELETE FROM ingest.load_state");
            // The next day's run of an unchanged source: only the "compare": false columns (now(), ages) differ.
            (string Name, byte[] Body)[] cases = volatileGzip is null
                ? [("ours: first load", baseGzip), ("ours: unchanged reload", baseGzip), ("ours: unchanged rows, new bytes", reorderedGzip), ("ours: churned reload", churnGzip)]
                : [("ours: first load", baseGzip), ("ours: unchanged reload", baseGzip), ("ours: unchanged rows, new bytes", reorderedGzip), ("ours: only extraction-time columns", volatileGzip), ("ours: churned reload", churnGzip)];
            foreach (var (name, body) in cases)
            {
                clock = clock.AddMinutes(1);
                var message = await StageAsync(database, store, body, clock);
                LoadResult? result = null;
                Add(name, await Central.MeasureAsync(central, control, async () => result = await loader.LoadAsync(message, CancellationToken.None)));
                if (result?.Status != SnapshotStatuses.Loaded)
                {
                    throw new InvalidOperationException($"{name}: {result?.Status} {result?.Reason}");
                }

                Console.WriteLine($"      rows {result.Rows} phases {result.Phases}");
            }

            await Central.ExecAsync(control, "TRUNCATE legacy_hipertensos");
            await using var source = new NpgsqlConnection(municipal.ConnectionString("esus"));
            await source.OpenAsync();
            foreach (var (name, table) in new[] { ("legacy fdw: first load", "lista"), ("legacy fdw: unchanged reload", "lista"), ("legacy fdw: churned reload", "lista_churn") })
            {
                Add(name, await Central.MeasureAsync(central, control, () => Central.ExecAsync(source,
                    $"BEGIN; DELETE FROM legacy_ft WHERE site_id = '{Site}'; INSERT INTO legacy_ft SELECT '{Site}', * FROM {table}; COMMIT")));
            }
        }

        PrintSummary(results, rows, changedRows);
        return 0;
    }

    private static async Task<(string Base, string Reordered, string Churn, long ChangedRows, string? Volatile)> PrepareSourceAsync(PostgresServer municipal, ListDefinition list, int rows)
    {
        await municipal.CreateDatabaseAsync("esus");
        await using var source = new NpgsqlConnection(municipal.ConnectionString("esus"));
        await source.OpenAsync();
        // About 21% of synthetic citizens are hypertensive; 5 citizens per wanted row leaves a margin.
        var citizens = rows * 5;
        Console.WriteLine($"generating a PEC database of {citizens} citizens…");
        await PecDatabase.CreateSchemaAsync(source);
        await PecDatabase.PopulateAsync(source, new PecSeed(citizens, 42, Site, "Bench", DateOnly.FromDateTime(DateTime.Today)));
        await Central.ExecAsync(source, $"CREATE TABLE lista AS SELECT * FROM (\n{list.Sql}\n) q ORDER BY id_cidadao LIMIT {rows}");
        var count = await Central.ScalarAsync<long>(source, "SELECT count(*) FROM lista");
        if (count < rows)
        {
            throw new InvalidOperationException($"only {count} rows of the list; raise the citizen count");
        }

        await Central.ExecAsync(source,
            """
            CREATE TABLE lista_churn AS SELECT * FROM lista;
            UPDATE lista_churn SET qt_atendimentos_12m = coalesce(qt_atendimentos_12m, 0) + 1 WHERE id_cidadao % 100 < 5;
            DELETE FROM lista_churn WHERE id_cidadao % 100 = 5;
            CREATE TEMP TABLE novos AS SELECT * FROM lista WHERE id_cidadao % 100 = 6;
            UPDATE novos SET id_cidadao = id_cidadao + 1000000000;
            INSERT INTO lista_churn SELECT * FROM novos;
            ANALYZE lista; ANALYZE lista_churn;
            """);
        var changed = await Central.ScalarAsync<long>(source,
            "SELECT count(*) FROM lista_churn c FULL JOIN lista b USING (id_cidadao) WHERE c IS NULL OR b IS NULL OR c.qt_atendimentos_12m IS DISTINCT FROM b.qt_atendimentos_12m");
        // Tomorrow's extraction of the same rows: every "compare": false column takes another value.
        var volatileColumns = list.Columns.Where(c => !c.Compare).ToList();
        string? volatileCsv = null;
        if (volatileColumns.Count > 0)
        {
            var changes = volatileColumns.Select(c => $"\"{c.Name}\" = " + (c.Type switch
            {
                "timestamptz" or "timestamp" => $"\"{c.Name}\" + interval '1 day'",
                "date" => $"\"{c.Name}\" + 1",
                "smallint" or "integer" or "bigint" or "numeric" or "real" or "double precision" => $"\"{c.Name}\" + 1",
                _ => $"\"{c.Name}\" || '+'",
            }));
            await Central.ExecAsync(source, $"CREATE TABLE lista_volatil AS SELECT * FROM lista; UPDATE lista_volatil SET {string.Join(", ", changes)}");
            volatileCsv = await ExportAsync(source, "lista_volatil");
        }

        return (await ExportAsync(source, "lista"), await ExportAsync(source, "lista", descending: true), await ExportAsync(source, "lista_churn"), changed, volatileCsv);
    }

    /// <summary>The list as the uploader would send it; descending order gives the same rows as different bytes.</summary>
    private static async Task<string> ExportAsync(NpgsqlConnection source, string table, bool descending = false)
    {
        using var reader = await source.BeginTextExportAsync($"COPY (SELECT * FROM {table} ORDER BY id_cidadao{(descending ? " DESC" : string.Empty)}) TO STDOUT (FORMAT csv, HEADER)");
        return await reader.ReadToEndAsync();
    }

    /// <summary>The municipal cluster writes into the central table through postgres_fdw, one row per round trip
    /// (batch_size 1: how postgres_fdw inserts before PostgreSQL 14, i.e. on the 9.6 that PEC bundles).</summary>
    private static async Task ConfigureFdwAsync(PostgresServer municipal, PostgresServer central, string columnsDdl)
    {
        await using var source = new NpgsqlConnection(municipal.ConnectionString("esus"));
        await source.OpenAsync();
        await Central.ExecAsync(source,
            $"""
            CREATE EXTENSION postgres_fdw;
            CREATE SERVER central FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '{central.Port}', dbname 'central', batch_size '1');
            CREATE USER MAPPING FOR CURRENT_USER SERVER central OPTIONS (user 'postgres');
            CREATE FOREIGN TABLE legacy_ft (site_id text, {columnsDdl}) SERVER central OPTIONS (schema_name 'public', table_name 'legacy_hipertensos');
            """);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string copy, string csv)
    {
        await using var writer = await connection.BeginTextImportAsync(copy);
        await writer.WriteAsync(csv);
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

    private static byte[] Gzip(string csv)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(csv));
        }

        return output.ToArray();
    }

    private static void PrintSummary(Dictionary<string, List<Measurement>> results, int rows, long changedRows)
    {
        static Measurement Median(List<Measurement> values) => new(
            values.Select(v => v.Seconds).Order().ElementAt(values.Count / 2),
            values.Select(v => v.WalBytes).Order().ElementAt(values.Count / 2),
            values.Select(v => v.FullPageImageBytes).Order().ElementAt(values.Count / 2));

        var medians = results.ToDictionary(r => r.Key, r => Median(r.Value));
        var raw = medians["raw COPY"];
        Console.WriteLine();
        Console.WriteLine($"| case ({rows} rows) | time (s) | × raw COPY time | central WAL (MB) | of which full-page images (MB) | × raw COPY WAL |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, m) in medians)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {m.Seconds:F2} | {m.Seconds / raw.Seconds:F2} | {m.WalBytes / 1e6:F2} | {m.FullPageImageBytes / 1e6:F2} | {(double)m.WalBytes / raw.WalBytes:F3} |"));
        }

        Console.WriteLine();
        var ours = medians["ours: churned reload"];
        var legacy = medians["legacy fdw: churned reload"];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"churned reload: {changedRows} changed rows; ours {ours.WalBytes / (double)changedRows:F0} WAL bytes per changed row " +
            $"({(ours.WalBytes - ours.FullPageImageBytes) / (double)changedRows:F0} without full-page images), legacy {legacy.WalBytes / (double)changedRows:F0} " +
            $"({(legacy.WalBytes - legacy.FullPageImageBytes) / (double)changedRows:F0})"));
        foreach (var @case in new[] { "first load", "unchanged reload", "churned reload" })
        {
            var o = medians[$"ours: {@case}"];
            var l = medians[$"legacy fdw: {@case}"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{@case}: legacy/ours time {l.Seconds / o.Seconds:F1}×, WAL {(o.WalBytes == 0 ? double.PositiveInfinity : (double)l.WalBytes / o.WalBytes):F1}×"));
        }
    }
}
