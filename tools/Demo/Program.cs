using System.Diagnostics;
using System.Globalization;
using Demo;
using LocalInfra;
using PecLists.Contracts;

// Synthetic municipalities (IBGE-shaped codes, accented names); several MB of CSV each, so accented characters cross
// many buffer boundaries on the way, as real lists do.
(string Ibge, string Name, int Citizens)[] municipalities =
[
    ("2611606", "Recife (sintético)", 80000),
    ("2304400", "Fortaleza (sintético)", 60000),
    ("5200258", "Águas Lindas de Goiás (sintético)", 45000),
];

if (args.Any(a => a != "--verbose"))
{
    Console.Error.WriteLine("usage: scripts/demo.sh [--verbose]   (--verbose: the function app's and the uploaders' log on the console too)");
    return 2;
}

// The function app's and the uploaders' log go to a file; --verbose also shows them here, interleaved as they come.
var verbose = args.Contains("--verbose");
var redraw = !verbose && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");
using var log = new DemoLog(Path.Combine(RepoPaths.Root, ".artifacts", "demo", $"demo-{DateTime.Now:yyyyMMdd-HHmmss}.log"));
void Log(string line)
{
    log.Write(line);
    if (verbose)
    {
        Console.WriteLine($"          {line}");
    }
}

var clock = Stopwatch.StartNew();
void Say(string text) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");

Say($"log of the function app and the uploaders: {log.Path}{(verbose ? " (shown here too: --verbose)" : " (--verbose shows it here too)")}");
Say("starting central PostgreSQL, municipal PostgreSQL, Azurite and the function app behind the Functions host stand-in…");
// A local stand-in for Application Insights' ingestion endpoint: the app's real exporter sends it what Azure would get.
await using var appInsights = FakeAppInsights.Start();
var options = new LocalPipelineOptions
{
    OnFunctionsOutput = line => Log($"functions | {line}"),
    Lists = LocalPipelineOptions.AllLists, // every list the repository defines (lists/*.json): each site sends each of them
};
options.WithTelemetryTo(appInsights);
var lists = options.Lists;
await using var pipeline = await LocalPipeline.StartAsync(options);
Say($"function app at {pipeline.Endpoint} (host stand-in: HTTP forwarded and the 'load' queue trigger driven as the Functions host does)");

var sites = new List<Municipality>();
foreach (var (ibge, name, citizens) in municipalities)
{
    Say($"generating PEC database for {ibge} {name}: {citizens} citizens");
    sites.Add(await pipeline.AddMunicipalityAsync(ibge, name, citizens, seed: int.Parse(ibge, CultureInfo.InvariantCulture)));
}

var rounds = new List<IReadOnlyList<SnapshotRow>>();
for (var round = 1; round <= 2; round++)
{
    Say(round == 1
        ? $"round 1: first transmission of every site, {lists.Count} lists each ({string.Join(", ", lists)}), all at once like 8am"
        : "round 2: the next day's run with unchanged data: only extraction-time columns (now(), ages) differ, so nothing should be written");
    var table = new ProgressTable(Console.Out, redraw, $"round {round}", [.. sites.Select(s => (s.Ibge, $"{s.Ibge} {s.Name}"))], lists, () => clock.Elapsed, initial: "uploading");
    var progress = await SnapshotProgress.StartAsync(pipeline, table);
    using var stopProgress = new CancellationTokenSource();
    var polling = progress.RunAsync(stopProgress.Token);
    async Task StopProgressAsync()
    {
        await stopProgress.CancelAsync();
        await polling;
    }

    var runs = await Task.WhenAll(sites.Select(async site =>
    {
        var result = await pipeline.RunUploaderAsync(site, locale: null);
        if (result.ExitCode != 0)
        {
            table.SetWhere(site.Ibge, onlyIf: "uploading", "upload failed");
        }

        return (site, result);
    }));
    foreach (var (site, result) in runs)
    {
        foreach (var line in result.Combined.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Log($"uploader {site.Ibge} | {line}");
        }
    }

    var failedRuns = runs.Where(r => r.result.ExitCode != 0).ToList();
    if (failedRuns.Count > 0)
    {
        // A snapshot refused at upload never reaches the queue: waiting for its load would only waste the user's time.
        await StopProgressAsync();
        Console.WriteLine();
        Console.WriteLine("  uploads that did not go through:");
        foreach (var (site, result) in failedRuns)
        {
            Console.WriteLine($"  {site.Ibge,-8} {site.Name,-36} exit code {result.ExitCode}");
            foreach (var line in result.Combined.Split('\n').Where(IsProblemLine))
            {
                Console.WriteLine($"           {line.Trim()}");
            }
        }

        return Stop("fix the first problem above and run it again", [.. failedRuns.Select(r => r.site.Ibge)]);
    }

    var perRound = sites.Count * lists.Count;
    IReadOnlyList<SnapshotRow> snapshots;
    try
    {
        snapshots = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3 * lists.Count), expectedAtLeast: perRound * round, stopAtFirstProblem: true);
    }
    catch (TimeoutException e)
    {
        await StopProgressAsync();
        var unsettled = (await pipeline.SnapshotsAsync()).Skip(perRound * (round - 1)).ToList();
        PrintReport(unsettled);
        Say(e.Message.Split('\n')[0]);
        return Stop("the loads did not finish", [.. unsettled.Where(s => s.Status != SnapshotStatuses.Loaded).Select(s => s.SnapshotId.ToString())]);
    }

    await StopProgressAsync();
    var thisRound = snapshots.Skip(perRound * (round - 1)).ToList();
    rounds.Add(thisRound);
    if (thisRound.Any(s => s.Status != SnapshotStatuses.Loaded))
    {
        PrintReport(thisRound);
        return Stop(
            "a snapshot was not loaded (its status and reason are in the table above)",
            [.. thisRound.Where(s => s.Status is SnapshotStatuses.Rejected or SnapshotStatuses.Failed or SnapshotStatuses.Held).Select(s => s.SnapshotId.ToString())]);
    }

    if (round == 2)
    {
        var written = thisRound.Sum(s => (s.Inserted ?? 0) + (s.Updated ?? 0) + (s.Deleted ?? 0));
        Say($"round 2 wrote {written} rows to the central database ({thisRound.Sum(s => s.Unchanged ?? 0)} rows unchanged)");
        if (written != 0)
        {
            PrintReport(thisRound);
            return Stop("an unchanged source should write nothing", []);
        }
    }
}

Say("checking central rows against each site's source query (value by value)…");
var comparisons = new Dictionary<(string Site, string List), ComparisonResult>();
foreach (var site in sites)
{
    foreach (var list in lists)
    {
        // Columns marked "compare": false (extraction-time values) are left out: by design they hold the value of the snapshot that last wrote the row.
        comparisons[(site.Ibge, list)] = await pipeline.CompareAsync(site, list);
    }
}

var different = comparisons.Values.Count(c => !c.Equal);
Say("per site and list, each round (1: first load, 2: next day, unchanged), and the central rows against the source:");
Console.WriteLine(string.Join('\n', SummaryTable.Final(rounds, comparisons)));

// What Application Insights would hold (docs/telemetry.md): business events as customEvents, pipeline metrics.
await Task.Delay(TimeSpan.FromSeconds(6)); // the exporter sends its batch every 5 s
var events = appInsights.Envelopes.Where(e => e["data"]?["baseType"]?.ToString() == "EventData")
    .GroupBy(e => e["data"]!["baseData"]!["name"]!.ToString()).OrderBy(g => g.Key, StringComparer.Ordinal)
    .Select(g => $"{g.Key} {g.Count()}");
var metricNames = appInsights.Envelopes.Where(e => e["data"]?["baseType"]?.ToString() == "MetricData")
    .SelectMany(e => e["data"]!["baseData"]!["metrics"]!.AsArray().Select(m => m!["name"]!.ToString()))
    .Where(n => n.StartsWith("pec.", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal);
Say("telemetry the app's exporter sent to the local App Insights stand-in:");
Console.WriteLine($"          customEvents:  {string.Join(", ", events)}");
Console.WriteLine($"          customMetrics: {string.Join(", ", metricNames)}");

// The operator's view of the same state, from the system of record: what `Functions.dll fleet` prints (docs/failure-catalog.md).
Say("fleet (Functions.dll fleet): status, failure category, last heartbeat and last load per list, per site");
var fleet = await pipeline.FunctionsCommandAsync(["fleet"]);
Console.WriteLine(string.Join('\n', fleet.StandardOutput.TrimEnd().Split('\n').Select(line => "          " + line)));
var notGreen = fleet.StandardOutput.Split('\n').Count(line => sites.Any(s => line.StartsWith(s.Ibge, StringComparison.Ordinal)) && !line.Contains(" green ", StringComparison.Ordinal));
if (notGreen > 0)
{
    Say($"{notGreen} site(s) are not green in the fleet view");
}

Say($"log of the function app and the uploaders: {log.Path}");
Say(different == 0 ? "demo finished: every site's lists loaded and match their source" : $"demo finished: {different} site list(s) differ from their source");
return different == 0 && notGreen == 0 ? 0 : 1;

// The per-site report of a round that did not finish well.
void PrintReport(IReadOnlyList<SnapshotRow> rows)
{
    Console.WriteLine();
    Console.WriteLine(string.Join('\n', SummaryTable.Report(rows, sites)));
    Console.WriteLine();
}

// The log lines that matter for what went wrong (warnings, errors, lines naming the failing snapshots or sites), then why the demo stops.
int Stop(string why, IReadOnlyList<string> mentions)
{
    var excerpt = LogExcerpt.Select(log.Lines, mentions);
    if (excerpt.Count > 0)
    {
        Console.WriteLine($"  from the log ({log.Path}), warnings, errors and lines naming what failed:");
        Console.WriteLine(string.Join('\n', excerpt.Select(line => "    " + line)));
    }

    Say($"demo stopped: {why}");
    return 1;
}

static bool IsProblemLine(string line) =>
    line.Contains("rejected", StringComparison.OrdinalIgnoreCase) || line.Contains("rejeitad", StringComparison.OrdinalIgnoreCase)
    || line.Contains("error", StringComparison.OrdinalIgnoreCase) || line.Contains("erro", StringComparison.OrdinalIgnoreCase)
    || line.Contains("exit code", StringComparison.OrdinalIgnoreCase) || line.Contains("código de saída", StringComparison.OrdinalIgnoreCase);
