using System.Diagnostics;
using System.Globalization;
using LocalInfra;

// Synthetic municipalities (IBGE-shaped codes, names with accents); sizes differ so the loads differ.
(string Ibge, string Name, int Citizens)[] municipalities =
[
    ("2611606", "Recife (sintético)", 24000),
    ("2304400", "Fortaleza (sintético)", 12000),
    ("5200258", "Águas Lindas de Goiás (sintético)", 6000),
];

var clock = Stopwatch.StartNew();
void Say(string text) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");

Say("starting central PostgreSQL, municipal PostgreSQL, Azurite and the functions app…");
var options = new LocalPipelineOptions { OnFunctionsOutput = line => Console.WriteLine($"          functions | {line}") };
await using var pipeline = await LocalPipeline.StartAsync(options);
Say($"functions app listening on {pipeline.Endpoint} (local dispatcher drives the 'load' queue trigger from host.json)");

var sites = new List<Municipality>();
foreach (var (ibge, name, citizens) in municipalities)
{
    Say($"generating PEC database for {ibge} {name}: {citizens} citizens");
    sites.Add(await pipeline.AddMunicipalityAsync(ibge, name, citizens, seed: int.Parse(ibge, CultureInfo.InvariantCulture)));
}

var failures = 0;
for (var round = 1; round <= 2; round++)
{
    Say(round == 1 ? "round 1: first transmission of every site (all at once, like 8am)" : "round 2: the next day's run with unchanged data (should write nothing)");
    var runs = await Task.WhenAll(sites.Select(async site => (site, result: await pipeline.RunUploaderAsync(site, locale: null))));
    foreach (var (site, result) in runs)
    {
        foreach (var line in result.Combined.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine($"          uploader {site.Ibge} | {line}");
        }

        if (result.ExitCode != 0)
        {
            Say($"uploader for {site.Ibge} exited with {result.ExitCode}");
            failures++;
        }
    }

    var snapshots = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(5), expectedAtLeast: sites.Count * round);
    PrintTable(snapshots.Skip(sites.Count * (round - 1)).ToList(), sites);
    failures += snapshots.Count(s => s.Status != "loaded");
}

Say("checking central rows against each site's source query (value by value)…");
foreach (var site in sites)
{
    var comparison = await pipeline.CompareAsync(site, "hipertensos");
    Console.WriteLine(
        $"          {site.Ibge} hipertensos: source {comparison.SourceRows} rows, central {comparison.CentralRows} rows, " +
        $"{(comparison.Equal ? "identical" : $"DIFFERENT ({comparison.OnlyInSource} only in source, {comparison.OnlyInCentral} only in central)")}");
    failures += comparison.Equal ? 0 : 1;
}

Say(failures == 0 ? "demo finished: every site loaded and matches its source" : $"demo finished with {failures} problem(s)");
return failures == 0 ? 0 : 1;

static void PrintTable(IReadOnlyList<SnapshotRow> rows, IReadOnlyList<Municipality> sites)
{
    Console.WriteLine();
    Console.WriteLine($"  {"site",-8} {"municipality",-36} {"list",-12} {"status",-8} {"inserted",9} {"updated",8} {"deleted",8} {"unchanged",9} {"queued s",9} {"load s",7}");
    foreach (var row in rows.OrderBy(r => r.Site, StringComparer.Ordinal))
    {
        var name = sites.FirstOrDefault(s => s.Ibge == row.Site)?.Name ?? "?";
        Console.WriteLine(
            $"  {row.Site,-8} {name,-36} {row.List,-12} {row.Status,-8} {row.Inserted,9} {row.Updated,8} {row.Deleted,8} {row.Unchanged,9} " +
            $"{row.QueueSeconds?.ToString("F2", CultureInfo.InvariantCulture),9} {row.LoadSeconds?.ToString("F2", CultureInfo.InvariantCulture),7}" +
            (row.ErrorCode is null ? string.Empty : $"  {row.ErrorCode}: {row.ErrorDetail}"));
    }

    Console.WriteLine();
}
