using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PecLists.Functions.Commands;
using LocalInfra;
using Npgsql;
using SyntheticPec;

namespace Bench;

/// <summary>
/// The uploader's extract → gzip → spool path against <c>psql \copy … | gzip -1</c> on the same data in the same run,
/// with the uploader's peak RSS (GNU time) at two sizes to show memory does not grow with the list, gzip levels, and
/// the same extractions with four masked columns side by side (the masking stage's cost and its flat memory).
/// </summary>
public static partial class ExtractBenchmark
{
    public static async Task<int> RunAsync(int rows)
    {
        if (!File.Exists("/usr/bin/time"))
        {
            Console.Error.WriteLine("GNU time is needed for peak RSS: apt-get install time");
            return 2;
        }

        Console.WriteLine($"extract benchmark: {rows} rows of hipertensos (46 columns)");
        await using var server = await PostgresServer.StartAsync();
        await server.CreateDatabaseAsync("esus");
        var connection = server.ConnectionString("esus");
        await PrepareAsync(connection, rows);

        var work = Directory.CreateTempSubdirectory("extract-bench-").FullName;
        try
        {
            var config = Path.Combine(work, "config.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
            {
                endpoint = "https://backend.invalid",
                sites = new[] { new { ibge = "2611606", token = "pec_bench" } },
                database = new { connectionString = connection, statementTimeoutSeconds = 3600 },
                spoolDirectory = Path.Combine(work, "spool"),
                listSigningKey = ThrowawaySigningKey(), // extract runs no definitions, but the config must be valid
                maskingKey = new { id = "bench", key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
            }));
            var small = Path.Combine(work, "small.sql");
            var full = Path.Combine(work, "full.sql");
            await File.WriteAllTextAsync(small, $"SELECT * FROM lista ORDER BY id_cidadao LIMIT {rows / 10}");
            await File.WriteAllTextAsync(full, "SELECT * FROM lista ORDER BY id_cidadao");

            var baseline = await TimeAsync("/bin/bash", ["-c", $"psql '{PsqlUri(server)}' -qAt -c \"\\copy (SELECT * FROM lista ORDER BY id_cidadao) to stdout csv header\" | gzip -1 > '{work}/psql.csv.gz'"]);
            var csvBytes = await CsvBytesAsync(server, work);
            var results = new List<(string Name, Sample Sample, long Bytes)>
            {
                ("psql \\copy | gzip -1", baseline, new FileInfo(Path.Combine(work, "psql.csv.gz")).Length),
            };
            // The masked cases mask the four personal columns ADR 0022's example names, one of each kind (issue 22).
            string[] masks = ["nu_cpf=hash", "no_cidadao=redact", "dt_nascimento=truncate:month", "nu_telefone_celular=last-digits:4"];

            // BASELINE_UPLOADER: another build's uploader.dll (e.g. before a change), run on the same data in the same run.
            // It runs first and again last, so a machine that got busier or quieter during the run shows.
            var baselineDll = Environment.GetEnvironmentVariable("BASELINE_UPLOADER");
            async Task BaselineAsync(string only, string when)
            {
                foreach (var (name, level) in new[] { ("baseline uploader, gzip fastest", "fastest"), ("baseline uploader, gzip optimal", "optimal") }.Where(c => baselineDll is { Length: > 0 } && (only == "all" || c.Item2 == only)))
                {
                    var output = Path.Combine(work, $"baseline-{level}.csv.gz");
                    var sample = await TimeAsync("dotnet", [baselineDll!, "extract", "--config", config, "--sql-file", full, "--out", output, "--level", level]);
                    results.Add(($"{name} ({when})", sample, new FileInfo(output).Length));
                    Console.WriteLine($"  {name} ({when}) {sample.Seconds,7:F2} s  peak RSS {sample.PeakRssKb / 1024.0,7:F1} MB  {new FileInfo(output).Length / 1e6,8:F1} MB");
                }
            }

            // Each level's baseline, unmasked and masked runs follow each other, so none inherits another level's disk
            // writeback or a busier machine more than the others.
            foreach (var (name, sql, level, masked) in new[]
            {
                ("baseline", full, "fastest", false),
                ("uploader, gzip fastest", full, "fastest", false),
                ("uploader, gzip fastest, 4 masks", full, "fastest", true),
                ("baseline", full, "optimal", false),
                ("uploader, gzip optimal", full, "optimal", false),
                ("uploader, gzip optimal, 4 masks", full, "optimal", true),
                ($"uploader, gzip fastest, {rows / 10} rows", small, "fastest", false),
                ($"uploader, gzip fastest, {rows / 10} rows, 4 masks", small, "fastest", true),
                ("uploader, gzip smallest", full, "smallest", false),
            })
            {
                if (name == "baseline")
                {
                    await BaselineAsync(level, "first");
                    continue;
                }

                var output = Path.Combine(work, $"{level}-{Path.GetFileNameWithoutExtension(sql)}{(masked ? "-masked" : string.Empty)}.csv.gz");
                // UPLOADER_BIN: a published binary (e.g. the NativeAOT one) instead of the framework-dependent build.
                var native = Environment.GetEnvironmentVariable("UPLOADER_BIN");
                string[] extractArgs = ["extract", "--config", config, "--sql-file", sql, "--out", output, "--level", level, .. masked ? masks.SelectMany(m => new[] { "--mask", m }) : []];
                var sample = native is { Length: > 0 }
                    ? await TimeAsync(native, extractArgs)
                    : await TimeAsync("dotnet", [RepoPaths.UploaderDll, .. extractArgs]);
                results.Add((name, sample, new FileInfo(output).Length));
                Console.WriteLine($"  {name,-40} {sample.Seconds,7:F2} s  peak RSS {sample.PeakRssKb / 1024.0,7:F1} MB  {new FileInfo(output).Length / 1e6,8:F1} MB");
            }

            await BaselineAsync("all", "last");
            Console.WriteLine();
            Console.WriteLine($"CSV size: {csvBytes / 1e6:F1} MB for {rows} rows");
            Console.WriteLine("| path | time (s) | CSV MB/s | peak RSS (MB) | output (MB) | ratio |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (var (name, sample, bytes) in results)
            {
                var csv = name.Contains($"{rows / 10} rows", StringComparison.Ordinal) ? csvBytes / 10.0 : csvBytes;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {sample.Seconds:F2} | {csv / 1e6 / sample.Seconds:F1} | {(name.StartsWith("psql", StringComparison.Ordinal) ? "n/a" : (sample.PeakRssKb / 1024.0).ToString("F1", CultureInfo.InvariantCulture))} | {bytes / 1e6:F1} | {csv / (double)bytes:F1} |"));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return 0;
    }

    private static string PsqlUri(PostgresServer server) => $"postgresql://postgres@127.0.0.1:{server.Port}/esus";

    /// <summary>A 46-column list of <paramref name="rows"/> rows: the real list SQL over a synthetic PEC database, replicated with new ids.</summary>
    private static async Task PrepareAsync(string connectionString, int rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var list = ListDefinitionFile.Read(Path.Combine(RepoPaths.ListsDirectory, "hipertensos.json"));
        var citizens = Math.Min(rows * 5, 1_000_000);
        Console.WriteLine($"generating a PEC database of {citizens} citizens…");
        await PecDatabase.CreateSchemaAsync(connection);
        await PecDatabase.PopulateAsync(connection, new PecSeed(citizens, 7, "2611606", "Bench", DateOnly.FromDateTime(DateTime.Today)));
        await Central.ExecAsync(connection, $"CREATE TABLE base AS SELECT * FROM (\n{list.Sql}\n) q");
        var baseRows = await Central.ScalarAsync<long>(connection, "SELECT count(*) FROM base");
        var copies = (int)Math.Ceiling(rows / (double)baseRows);
        var columns = string.Join(", ", list.Columns.Skip(1).Select(c => $"\"{c.Name}\""));
        await Central.ExecAsync(connection,
            $"CREATE TABLE lista AS SELECT id_cidadao + k::bigint * 1000000000 AS id_cidadao, {columns} FROM base CROSS JOIN generate_series(0, {copies - 1}) k ORDER BY 1 LIMIT {rows}; ANALYZE lista");
    }

    private static async Task<long> CsvBytesAsync(PostgresServer server, string work)
    {
        var result = await ProcessRunner.RunCheckedAsync("/bin/bash", ["-c", $"gzip -dc '{work}/psql.csv.gz' | wc -c"]);
        return long.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture);
    }

    private sealed record Sample(double Seconds, long PeakRssKb);

    private static async Task<Sample> TimeAsync(string program, IReadOnlyList<string> arguments)
    {
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunCheckedAsync("/usr/bin/time", ["-v", program, .. arguments], timeout: TimeSpan.FromMinutes(20));
        var seconds = clock.Elapsed.TotalSeconds;
        var rss = MaxRss().Match(result.StandardError);
        return new Sample(seconds, rss.Success ? long.Parse(rss.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): (\d+)")]
    private static partial Regex MaxRss();

    private static string ThrowawaySigningKey()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }
}
