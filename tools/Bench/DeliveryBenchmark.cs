using System.Globalization;
using System.IO.Compression;
using System.Text;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Sites;
using PecLists.Functions.Storage;
using LocalInfra;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bench;

/// <summary>
/// The delivery kinds side by side on one central PostgreSQL (fsync on), through the real loader: the same change to a
/// site's rows sent as a whole snapshot and as the delivery meant for it (changes, key set, append). Time and central
/// WAL per load (docs/adr/0022-list-definitions-beyond-one-query.md, docs/benchmarks.md).
/// </summary>
public static class DeliveryBenchmark
{
    private const string Site = "2611606";
    private const string Incremental = "registros";
    private const string Append = "eventos";
    private const string Header = "id,descricao,valor,atualizado,removido\n";

    public static async Task<int> RunAsync(int rows, int runs)
    {
        await using var central = await PostgresServer.StartAsync(durable: true);
        await using var azurite = await AzuriteServer.StartAsync();
        await central.CreateDatabaseAsync("central");
        var centralConnection = central.ConnectionString("central");
        if (!Migrator.Migrate(centralConnection, TextWriter.Null).Succeeded)
        {
            throw new InvalidOperationException("migration failed");
        }

        await using var database = NpgsqlDataSource.Create(centralConnection);
        IReadOnlyList<ListColumnDto> columns =
            [new("id", "bigint"), new("descricao", "text"), new("valor", "numeric"), new("atualizado", "timestamptz"), new("removido", "timestamptz")];
        await ListPublisher.PublishAsync(database, new ListDefinition(Incremental, 1, "bench", "SELECT 1", columns, ["id"],
            Mode: LoadModes.Incremental, Incremental: new IncrementalDto("atualizado", SoftDeleteColumn: "removido")), activate: true, CancellationToken.None);
        await ListPublisher.PublishAsync(database, new ListDefinition(Append, 1, "bench", "SELECT 1", columns, ["id"], Mode: LoadModes.Append), activate: true, CancellationToken.None);
        await SiteTokens.AddSiteAsync(database, Site, "Bench", CancellationToken.None);
        await using var control = await database.OpenConnectionAsync();

        var blobs = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString);
        await blobs.GetBlobContainerClient("snapshots").CreateIfNotExistsAsync();
        var store = new SnapshotStore(blobs, Options.Create(new SnapshotStorageOptions()));
        var loader = new SnapshotLoader(database, store, new ListCatalog(database, TimeProvider.System), Options.Create(new LoadOptions()), NullLogger<SnapshotLoader>.Instance);
        var onePercent = rows / 100;
        Console.WriteLine($"delivery benchmark: {rows} rows, 5 columns, {runs} run(s), median reported; each change touches {onePercent} rows (1%)");

        var results = new Dictionary<string, List<Measurement>>();
        var clock = DateTimeOffset.UtcNow.AddDays(-runs);
        async Task LoadAsync(string name, string list, string delivery, string csv, string? cursor)
        {
            clock = clock.AddMinutes(1);
            var body = Gzip(csv);
            var id = await StageAsync(database, store, list, delivery, cursor, body, clock);
            LoadResult? result = null;
            var m = await Central.MeasureAsync(central, control, async () => result = await loader.LoadAsync(new LoadMessage(id, Site, list, "-", clock), CancellationToken.None));
            if (result?.Status != SnapshotStatuses.Loaded)
            {
                throw new InvalidOperationException($"{name}: {result?.Status} {result?.Reason}");
            }

            if (!name.StartsWith('(')) // a setup load is not a case
            {
                (results.TryGetValue(name, out var measured) ? measured : results[name] = []).Add(m);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-46} {m.Seconds,8:F3} s {m.WalBytes / 1e6,10:F2} MB WAL  rows {result.Rows}"));
            }
        }

        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"run {run}/{runs}");
            await Central.ExecAsync(control, $"TRUNCATE lists.{Incremental}, lists.{Append}; DELETE FROM ingest.load_state; DELETE FROM ingest.list_cursors");
            var state = Enumerable.Range(1, rows).ToDictionary(i => (long)i, i => Row(i, 0));
            await LoadAsync("(first load)", Incremental, DeliveryKinds.Snapshot, Csv(state.Values), Cursor(0));

            // The same amount of change, first as a whole snapshot, then as changes (other rows, same count).
            foreach (var i in Enumerable.Range(0, onePercent).Select(k => 1 + (k * 100)))
            {
                state[i] = Row(i, 1);
            }

            await LoadAsync("snapshot: 1% of rows changed", Incremental, DeliveryKinds.Snapshot, Csv(state.Values), Cursor(1));
            var changed = Enumerable.Range(0, onePercent).Select(k => 2 + (k * 100)).ToList();
            foreach (var i in changed)
            {
                state[i] = Row(i, 2);
            }

            await LoadAsync("changes: 1% of rows changed", Incremental, DeliveryKinds.Changes, Csv(changed.Select(i => state[i])), Cursor(2));

            // Hard deletes at the source: a whole snapshot without them, then a key set without others.
            foreach (var i in Enumerable.Range(0, onePercent).Select(k => 3 + (k * 100)))
            {
                state.Remove(i);
            }

            await LoadAsync("snapshot: 1% of rows gone", Incremental, DeliveryKinds.Snapshot, Csv(state.Values), Cursor(2));
            foreach (var i in Enumerable.Range(0, onePercent).Select(k => 4 + (k * 100)))
            {
                state.Remove(i);
            }

            await LoadAsync("keyset: 1% of rows gone", Incremental, DeliveryKinds.KeySet, "id\n" + string.Concat(state.Keys.Select(k => $"{k}\n")), null);

            // An event stream: the rows so far, then a poll that brings 1% new rows and reads 1% again.
            await LoadAsync("(append: first delivery)", Append, DeliveryKinds.Append, Csv(Enumerable.Range(1, rows).Select(i => Row(i, 0))), null);
            await LoadAsync("append: 1% new, 1% read again", Append, DeliveryKinds.Append, Csv(Enumerable.Range(rows - onePercent + 1, 2 * onePercent).Select(i => Row(i, 0))), null);
        }

        Console.WriteLine();
        Console.WriteLine($"| case ({rows} rows at the site) | time (s) | central WAL (MB) | of which full-page images (MB) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, values) in results)
        {
            var seconds = values.Select(v => v.Seconds).Order().ElementAt(values.Count / 2);
            var wal = values.Select(v => v.WalBytes).Order().ElementAt(values.Count / 2);
            var fpi = values.Select(v => v.FullPageImageBytes).Order().ElementAt(values.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {seconds:F3} | {wal / 1e6:F2} | {fpi / 1e6:F2} |"));
        }

        return 0;
    }

    /// <summary>A synthetic row (no personal data): its version decides its value and cursor.</summary>
    private static string Row(long id, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{id},registro {id},{(id % 1000) + version}.5,{Cursor(version)},\n");

    private static string Cursor(int version) => new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddHours(version).ToString("yyyy-MM-dd HH:mm:ss+00", CultureInfo.InvariantCulture);

    private static string Csv(IEnumerable<string> rows) => Header + string.Concat(rows);

    private static async Task<Guid> StageAsync(NpgsqlDataSource database, SnapshotStore store, string list, string delivery, string? cursor, byte[] body, DateTimeOffset extractedAt)
    {
        var id = Guid.CreateVersion7(extractedAt);
        var blob = SnapshotStore.BlobName(Site, list, extractedAt, id);
        await store.TryCreateAsync(blob, new MemoryStream(body), new Dictionary<string, string>(), CancellationToken.None);
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, status, delivery_kind, delivery_cursor)
            VALUES (@id, @Site, @list, @blob, @digest, @bytes, @extractedAt, 'queued', @delivery, @cursor)
            """,
            new { id, Site, list, blob, digest = ContentDigest.Format(System.Security.Cryptography.SHA256.HashData(body)), bytes = (long)body.Length, extractedAt, delivery, cursor });
        return id;
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
}
