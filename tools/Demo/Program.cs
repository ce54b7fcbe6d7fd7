using System.Diagnostics;
using System.Globalization;
using LocalInfra;

// Synthetic municipalities (IBGE-shaped codes, accented names); several MB of CSV each, so accented characters cross
// many buffer boundaries on the way, as real lists do.
(string Ibge, string Name, int Citizens)[] municipalities =
[
    ("2611606", "Recife (sintético)", 80000),
    ("2304400", "Fortaleza (sintético)", 60000),
    ("5200258", "Águas Lindas de Goiás (sintético)", 45000),
];

var clock = Stopwatch.StartNew();
void Say(string text) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");

Say("starting central PostgreSQL, municipal PostgreSQL, Azurite and the function app behind the Functions host stand-in…");
// A local stand-in for Application Insights' ingestion endpoint: the app's real exporter sends it what Azure would get.
await using var appInsights = FakeAppInsights.Start();
var options = new LocalPipelineOptions
{
    OnFunctionsOutput = line => Console.WriteLine($"          functions | {line}"),
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

for (var round = 1; round <= 2; round++)
{
    Say(round == 1
        ? $"round 1: first transmission of every site, {lists.Count} lists each ({string.Join(", ", lists)}), all at once like 8am"
        : "round 2: the next day's run with unchanged data: only extraction-time columns (now(), ages) differ, so nothing should be written");
    var runs = await Task.WhenAll(sites.Select(async site => (site, result: await pipeline.RunUploaderAsync(site, locale: null))));
    foreach (var (site, result) in runs)
    {
        foreach (var line in result.Combined.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine($"          uploader {site.Ibge} | {line}");
        }
    }

    var failedRuns = runs.Where(r => r.result.ExitCode != 0).ToList();
    if (failedRuns.Count > 0)
    {
        // A snapshot refused at upload never reaches the queue: waiting for its load would only waste the user's time.
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

        Say("demo stopped: fix the first problem above and run it again");
        return 1;
    }

    var perRound = sites.Count * lists.Count;
    var snapshots = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3 * lists.Count), expectedAtLeast: perRound * round, stopAtFirstProblem: true);
    var thisRound = snapshots.Skip(perRound * (round - 1)).ToList();
    PrintTable(thisRound, sites);
    if (thisRound.Any(s => s.Status != "loaded"))
    {
        Say("demo stopped: a snapshot was not loaded (its status and reason are in the table above)");
        return 1;
    }

    if (round == 2)
    {
        var written = thisRound.Sum(s => (s.Inserted ?? 0) + (s.Updated ?? 0) + (s.Deleted ?? 0));
        Say($"round 2 wrote {written} rows to the central database ({thisRound.Sum(s => s.Unchanged ?? 0)} rows unchanged)");
        if (written != 0)
        {
            Say("demo stopped: an unchanged source should write nothing");
            return 1;
        }
    }
}

Say("checking central rows against each site's source query (value by value)…");
var different = 0;
foreach (var site in sites)
{
    foreach (var list in lists)
    {
        // Columns marked "compare": false (extraction-time values) are left out: by design they hold the value of the snapshot that last wrote the row.
        var comparison = await pipeline.CompareAsync(site, list);
        Console.WriteLine(
            $"          {site.Ibge} {list,-15}: source {comparison.SourceRows,6} rows, central {comparison.CentralRows,6} rows, " +
            $"{(comparison.Equal ? "identical" : $"DIFFERENT ({comparison.OnlyInSource} only in source, {comparison.OnlyInCentral} only in central)")}");
        different += comparison.Equal ? 0 : 1;
    }
}

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

Say(different == 0 ? "demo finished: every site's lists loaded and match their source" : $"demo finished: {different} site list(s) differ from their source");
return different == 0 && notGreen == 0 ? 0 : 1;

static bool IsProblemLine(string line) =>
    line.Contains("rejected", StringComparison.OrdinalIgnoreCase) || line.Contains("rejeitad", StringComparison.OrdinalIgnoreCase)
    || line.Contains("error", StringComparison.OrdinalIgnoreCase) || line.Contains("erro", StringComparison.OrdinalIgnoreCase)
    || line.Contains("exit code", StringComparison.OrdinalIgnoreCase) || line.Contains("código de saída", StringComparison.OrdinalIgnoreCase);

static void PrintTable(IReadOnlyList<SnapshotRow> rows, IReadOnlyList<Municipality> sites)
{
    Console.WriteLine();
    Console.WriteLine($"  {"site",-8} {"municipality",-36} {"list",-15} {"status",-8} {"inserted",9} {"updated",8} {"deleted",8} {"unchanged",9} {"queued s",9} {"load s",7}  reason");
    foreach (var row in rows.OrderBy(r => r.Site, StringComparer.Ordinal))
    {
        var name = sites.FirstOrDefault(s => s.Ibge == row.Site)?.Name ?? "?";
        Console.WriteLine(
            $"  {row.Site,-8} {name,-36} {row.List,-15} {row.Status,-8} {row.Inserted,9} {row.Updated,8} {row.Deleted,8} {row.Unchanged,9} " +
            $"{row.QueueSeconds?.ToString("F2", CultureInfo.InvariantCulture),9} {row.LoadSeconds?.ToString("F2", CultureInfo.InvariantCulture),7}" +
            (row.ErrorCode is null ? string.Empty : $"  {row.ErrorCode}: {row.ErrorDetail}"));
    }

    Console.WriteLine();
}
