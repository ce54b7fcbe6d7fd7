using System.Globalization;
using System.IO.Compression;
using System.Text;
using LocalInfra;
using Npgsql;
using PecLists.Functions.Lists;
using SyntheticPec;

namespace Bench;

/// <summary>
/// The nation benchmark's deliveries, made before any day is measured (extraction happens on the municipal servers,
/// as in the storm): for every sampled site and list, day one's and the next day's gzip CSV, as <c>uploader run</c>
/// makes them (text COPY, CSV with header, gzip at the default level), on disk under one directory.
/// <para>
/// Rows come from one synthetic PEC (<see cref="TemplateCitizens"/> citizens, SyntheticPec) whose lists are run once
/// into template tables; a site of n rows takes the template's rows over and over, each copy with its key shifted
/// by a billion, and its own IBGE code, until it has n. The next day: every <see cref="NationLists.ChangeEvery"/>-th row
/// gets a new value in a compared column, and every <c>"compare": false</c> column changes on every row.
/// </para>
/// The directory is kept: a second run with the same sample finds its files and skips making them again.
/// </summary>
public static class NationDeliveries
{
    public const int TemplateCitizens = 5000;

    private const string Template = "nation_template";

    public static string FilePath(string directory, NationSite site, string list, int day) =>
        Path.Combine(directory, site.Ibge, $"{list}.day{day}.csv.gz");

    public static async Task PrepareAsync(PostgresServer municipal, IReadOnlyList<ListDefinition> lists, IReadOnlyList<NationSite> sites, string directory)
    {
        var done = Path.Combine(directory, "complete");
        if (File.Exists(done) && await File.ReadAllTextAsync(done) == Fingerprint(lists, sites))
        {
            Console.WriteLine($"  deliveries already made in {directory}");
            return;
        }

        await municipal.CreateDatabaseAsync(Template);
        await using (var connection = new NpgsqlConnection(municipal.ConnectionString(Template)))
        {
            await connection.OpenAsync();
            await PecDatabase.CreateSchemaAsync(connection);
            await PecDatabase.PopulateAsync(connection, new PecSeed(TemplateCitizens, 1, "3500001", "Modelo", DateOnly.FromDateTime(DateTime.Today)));
            foreach (var list in lists)
            {
                await Central.ExecAsync(connection, $"CREATE TABLE t_{list.Name} AS SELECT (row_number() OVER () - 1)::bigint AS rn, q.* FROM (\n{list.Sql}\n) q");
                var count = await Central.ScalarAsync<long>(connection, $"SELECT count(*) FROM t_{list.Name}");
                Console.WriteLine($"  template {list.Name}: {count} rows from {TemplateCitizens} citizens");
            }
        }

        var next = -1;
        var made = 0;
        // Two at a time: the machine has two cores (COPY on the municipal cluster, gzip here).
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(municipal.ConnectionString(Template));
            await connection.OpenAsync();
            for (var i = Interlocked.Increment(ref next); i < sites.Count; i = Interlocked.Increment(ref next))
            {
                Directory.CreateDirectory(Path.Combine(directory, sites[i].Ibge));
                for (var j = 0; j < lists.Count; j++)
                {
                    for (var day = 1; day <= 2; day++)
                    {
                        await WriteAsync(connection, lists[j], sites[i], sites[i].Rows[j], day, FilePath(directory, sites[i], lists[j].Name, day));
                    }
                }

                if (Interlocked.Increment(ref made) % 25 == 0)
                {
                    Console.WriteLine($"  {made}/{sites.Count} sites' deliveries made");
                }
            }
        }));
        await File.WriteAllTextAsync(done, Fingerprint(lists, sites));
    }

    private static string Fingerprint(IReadOnlyList<ListDefinition> lists, IReadOnlyList<NationSite> sites) =>
        string.Join(',', lists.Select(l => $"{l.Name}:{l.Version}")) + "|" + string.Join(',', sites.Select(s => $"{s.Ibge}:{string.Join('/', s.Rows)}"));

    private static async Task WriteAsync(NpgsqlConnection connection, ListDefinition list, NationSite site, long rows, int day, string path)
    {
        var templateRows = await Central.ScalarAsync<long>(connection, $"SELECT count(*) FROM t_{list.Name}");
        var copies = (rows + templateRows - 1) / templateRows;
        var id = NationLists.IdColumn(list);
        var columns = list.Columns.Select(c =>
        {
            var name = $"\"{c.Name}\"";
            var value = c.Name switch
            {
                _ when c.Name == id => $"{name} + c::bigint * 1000000000",
                "co_ibge_municipio" => $"'{site.Ibge}'",
                NationLists.ChangedColumn when day == 2 => $"CASE WHEN i % {NationLists.ChangeEvery} = 0 THEN '{NationLists.ChangedValue}' ELSE {name} END",
                _ when day == 2 && !c.Compare => StormSetup.NextDay(c.Name, c.Type),
                _ => name,
            };
            return $"({value})::{c.Type} AS {name}";
        });
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT {string.Join(", ", columns)} FROM (SELECT c * {templateRows} + t.rn AS i, c, t.* FROM t_{list.Name} t CROSS JOIN generate_series(0, {copies - 1}) c) s WHERE i < {rows} ORDER BY i) TO STDOUT (FORMAT csv, HEADER)");
        using var reader = await connection.BeginTextExportAsync(sql);
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        await using var writer = new StreamWriter(gzip, new UTF8Encoding(false), 1 << 16);
        var buffer = new char[1 << 16];
        int read;
        while ((read = await reader.ReadAsync(buffer, 0, buffer.Length)) > 0)
        {
            await writer.WriteAsync(buffer.AsMemory(0, read));
        }
    }
}
