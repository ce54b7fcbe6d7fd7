using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LocalInfra;
using LocalInfra.FakeApis;
using PecLists.Contracts;

namespace Bench;

/// <summary>
/// The uploader's HTTP source on a large API answer: peak RSS (GNU time) of <c>uploader extract --definition</c> against
/// the local Disney-like API serving the same rows as one small page, as many pages of 10,000, and as one single page,
/// side by side with the size of the JSON it read: memory that does not grow with the answer is the claim.
/// </summary>
public static partial class HttpBenchmark
{
    public static async Task<int> RunAsync(int rows)
    {
        if (!File.Exists("/usr/bin/time"))
        {
            Console.Error.WriteLine("GNU time is needed for peak RSS: apt-get install time");
            return 2;
        }

        var work = Directory.CreateTempSubdirectory("http-bench-").FullName;
        try
        {
            var config = Path.Combine(work, "config.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
            {
                endpoint = "https://backend.invalid",
                sites = new[] { new { ibge = "3304557", token = "pec_bench" } },
                database = new { connectionString = "Host=127.0.0.1;Port=1" }, // extract of an HTTP list reads no database
                spoolDirectory = Path.Combine(work, "spool"),
                listSigningKey = ThrowawaySigningKey(),
            }));

            Console.WriteLine($"http benchmark: Disney-like characters, {rows} rows");
            Console.WriteLine("| answer | rows | pages | JSON read (MB) | time (s) | peak RSS (MB) | gzip CSV (MB) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (name, pages, pageSize) in new[]
            {
                ("one page of 10,000 rows", 1, 10_000),
                ($"{rows / 10_000} pages of 10,000 rows", rows / 10_000, 10_000),
                ($"one page of {rows:N0} rows", 1, rows),
            })
            {
                await using var api = FakeJsonApi.Start();
                new DisneyCharactersApi { Pages = pages, PageSize = pageSize }.MapOn(api);
                var definition = Path.Combine(work, $"personagens-{pages}x{pageSize}.json");
                await File.WriteAllTextAsync(definition, JsonSerializer.Serialize(
                    FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path), timeoutSeconds: 600, maxPages: pages + 1), ContractsJsonContext.Default.ListDefinitionDto));
                var output = Path.Combine(work, $"{pages}x{pageSize}.csv.gz");
                string[] extractArgs = ["extract", "--config", config, "--definition", definition, "--out", output, "--level", "fastest"];

                // UPLOADER_BIN: a published binary (e.g. the NativeAOT one) instead of the framework-dependent build.
                var native = Environment.GetEnvironmentVariable("UPLOADER_BIN");
                var sample = native is { Length: > 0 }
                    ? await TimeAsync(native, extractArgs)
                    : await TimeAsync("dotnet", [RepoPaths.UploaderDll, .. extractArgs]);
                var jsonBytes = await AnswerBytesAsync(api, pages);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {pages * pageSize} | {pages} | {jsonBytes / 1e6:F1} | {sample.Seconds:F2} | {sample.PeakRssKb / 1024.0:F1} | {new FileInfo(output).Length / 1e6:F1} |"));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return 0;
    }

    /// <summary>The bytes of every page the API serves (read again after the run, so the uploader's run is not slowed).</summary>
    private static async Task<long> AnswerBytesAsync(FakeJsonApi api, int pages)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        long total = 0;
        var buffer = new byte[1 << 16];
        for (var page = 1; page <= pages; page++)
        {
            await using var body = await http.GetStreamAsync(api.Url($"{DisneyCharactersApi.Path}?page={page}"));
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }
        }

        return total;
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
