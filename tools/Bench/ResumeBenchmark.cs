using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LocalInfra;
using PecLists.Contracts;

namespace Bench;

/// <summary>
/// A large snapshot over a slow uplink, cut at half way (issue 24): the real uploader, killed once the link has carried
/// half the snapshot, then run again. In blocks through an upload session the second run sends only the blocks still
/// missing; with today's single PUT it starts over. Both go through a <see cref="ThrottlingRelay"/> at the same rate
/// (one in front of the function app for the PUT, one in front of Azurite for the blocks); the time is the wall clock
/// from the first run's start to the second run's end, the bytes what the relays carried upstream.
/// </summary>
public static class ResumeBenchmark
{
    public static async Task<int> RunAsync(int megabytes, int megabitsPerSecond)
    {
        var clock = Stopwatch.StartNew();
        void Say(string text) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");
        var limit = (megabytes + 100L) * 1024 * 1024;
        var options = new LocalPipelineOptions { SiteBlobRelay = true, StorageOnDisk = true };
        options.FunctionsEnvironment["Ingest__MaxCompressedBytes"] = limit.ToString(CultureInfo.InvariantCulture);
        options.FunctionsEnvironment["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = limit.ToString(CultureInfo.InvariantCulture);
        await using var pipeline = await LocalPipeline.StartAsync(options);
        var site = await pipeline.AddMunicipalityAsync("4106902", "Curitiba (bench)", 100, seed: 3);
        await using var endpointRelay = new ThrottlingRelay(pipeline.Endpoint.Port);
        var rate = megabitsPerSecond * 1_000_000 / 8.0;
        endpointRelay.UpstreamBytesPerSecond = rate;
        pipeline.BlobRelay!.UpstreamBytesPerSecond = rate;

        var body = Body(megabytes * 1024L * 1024);
        Say(string.Create(CultureInfo.InvariantCulture, $"snapshot: {body.Length:N0} bytes of gzip CSV; link {megabitsPerSecond} Mbit/s; killed at 50 %"));

        var blocks = await MeasureAsync(pipeline, site, endpointRelay, body, inBlocks: true, Say);
        var put = await MeasureAsync(pipeline, site, endpointRelay, body, inBlocks: false, Say);
        Console.WriteLine();
        Console.WriteLine($"| path ({megabytes} MB, {megabitsPerSecond} Mbit/s, killed at 50 %) | first run until killed | second run | total time | bytes on the link | of the snapshot |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, m) in new[] { ("blocks, resumed", blocks), ("single PUT, started over", put) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {m.FirstSeconds:F1} s | {m.SecondSeconds:F1} s | {m.FirstSeconds + m.SecondSeconds:F1} s | {m.Bytes:N0} | {100.0 * m.Bytes / body.Length:F0} % |"));
        }

        return blocks.Accepted && put.Accepted ? 0 : 1;
    }

    private sealed record Measurement(double FirstSeconds, double SecondSeconds, long Bytes, bool Accepted);

    private static async Task<Measurement> MeasureAsync(LocalPipeline pipeline, Municipality site, ThrottlingRelay endpointRelay, byte[] body, bool inBlocks, Action<string> say)
    {
        // The snapshot waits in the spool as if extracted; the config runs no list, so a run only sends what is spooled.
        var snapshotId = SnapshotIds.New(DateTimeOffset.UtcNow);
        var file = Path.Combine(site.SpoolDirectory, site.Ibge, "hipertensos", $"{snapshotId:D}.csv.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, body);
        var config = WriteConfig(site, endpointRelay, inBlocks ? 0 : long.MaxValue);
        var blobRelay = pipeline.BlobRelay!;
        endpointRelay.ResetCount();
        blobRelay.ResetCount();
        long Carried() => endpointRelay.UpstreamBytes + blobRelay.UpstreamBytes;

        var first = Stopwatch.StartNew();
        await using (var run = ChildProcess.Start("dotnet", [RepoPaths.UploaderDll, "run", "--config", config], UploaderLocale.Environment(UploaderLocale.English)))
        {
            while (Carried() < body.Length / 2)
            {
                if (run.HasExited)
                {
                    throw new InvalidOperationException("the uploader ended before half the snapshot was sent:\n" + run.Output);
                }

                await Task.Delay(20);
            }
        }

        var firstSeconds = first.Elapsed.TotalSeconds;
        say(string.Create(CultureInfo.InvariantCulture, $"{(inBlocks ? "blocks" : "PUT")}: killed after {firstSeconds:F1} s, {Carried():N0} bytes carried"));
        // The second run is timed to the line that says the snapshot was accepted: the upload, not what the run does after.
        var second = Stopwatch.StartNew();
        var accepted = false;
        await using (var again = ChildProcess.Start("dotnet", [RepoPaths.UploaderDll, "run", "--config", config], UploaderLocale.Environment(UploaderLocale.English)))
        {
            while (!(accepted = again.OutputLines.Any(l => l.Contains($"{snapshotId} accepted", StringComparison.Ordinal))) && !again.HasExited)
            {
                await Task.Delay(20);
            }

            say(again.Output.TrimEnd());
        }

        var secondSeconds = second.Elapsed.TotalSeconds;
        say(string.Create(CultureInfo.InvariantCulture, $"{(inBlocks ? "blocks" : "PUT")}: second run {secondSeconds:F1} s to accepted, {Carried():N0} bytes carried in all"));
        return new Measurement(firstSeconds, secondSeconds, Carried(), accepted);
    }

    private static string WriteConfig(Municipality site, ThrottlingRelay endpointRelay, long blockUploadAboveBytes)
    {
        var config = new Dictionary<string, object>
        {
            ["endpoint"] = $"http://127.0.0.1:{endpointRelay.Port}/",
            ["sites"] = new[] { new Dictionary<string, string> { ["ibge"] = site.Ibge, ["token"] = site.Token } },
            ["database"] = new Dictionary<string, object> { ["connectionString"] = site.SourceConnection },
            ["spoolDirectory"] = site.SpoolDirectory,
            ["logDirectory"] = Path.Combine(Path.GetDirectoryName(site.SpoolDirectory)!, "logs"),
            ["upload"] = new Dictionary<string, object> { ["maxAttempts"] = 2, ["attemptTimeoutSeconds"] = 1800, ["blockUploadAboveBytes"] = blockUploadAboveBytes },
            ["lists"] = new[] { "none-runs-here" },
        };
        var original = JsonDocument.Parse(File.ReadAllText(site.ConfigPath)).RootElement;
        config["listSigningKey"] = original.GetProperty("listSigningKey").GetString()!;
        var path = Path.Combine(Path.GetDirectoryName(site.ConfigPath)!, "bench-config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    /// <summary>
    /// A hipertensos CSV (its header) of random base64 rows, gzipped: about as large compressed as asked (random text
    /// barely compresses). Ingest checks it like any snapshot; the load later refuses its rows, which is not measured.
    /// </summary>
    private static byte[] Body(long compressedBytes)
    {
        var header = HipertensosHeader();
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(header + "\n"));
            var random = new byte[48 * 1024];
            while (output.Length < compressedBytes)
            {
                RandomNumberGenerator.Fill(random);
                gzip.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(random, Base64FormattingOptions.InsertLineBreaks).Replace("\r", string.Empty, StringComparison.Ordinal) + "\n"));
            }
        }

        return output.ToArray();
    }

    private static string HipertensosHeader()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.ListsDirectory, "hipertensos.json")));
        return string.Join(',', json.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }
}
