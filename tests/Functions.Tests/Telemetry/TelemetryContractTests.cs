using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LocalInfra;
using PecLists.Contracts;
using PecLists.Functions.Telemetry;

namespace PecLists.Functions.Tests.Telemetry;

/// <summary>
/// The workbook and the alert rules read only what the code emits: every event and metric name, every dimension and
/// every failure category in their queries is one the code declares (TelemetryNames, FailureCategories), and the
/// workbook has the workbook schema's shape. Read from bicep/ as deployed; a rename in code fails here, not in Azure.
/// </summary>
public sealed partial class TelemetryContractTests
{
    private static readonly string Bicep = Path.Combine(RepoPaths.Root, "bicep");
    private static readonly JsonObject Workbook = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep, "workbook", "operations.workbook.json")))!.AsObject();

    private static IEnumerable<JsonObject> Items => Workbook["items"]!.AsArray().Select(i => i!.AsObject());

    private static List<string> WorkbookQueries => [.. Items.Where(i => i["type"]!.GetValue<int>() == 3).Select(i => i["content"]!["query"]!.GetValue<string>())];

    /// <summary>Every <c>query: '…'</c> of every Bicep file (the alert rules), Bicep's '' escapes undone.</summary>
    private static List<string> AlertQueries =>
        [.. Directory.GetFiles(Bicep, "*.bicep", SearchOption.AllDirectories)
            .SelectMany(f => BicepQuery().Matches(File.ReadAllText(f)).Select(m => m.Groups["q"].Value.Replace("\\'", "'", StringComparison.Ordinal)))];

    [Fact]
    public void The_workbook_has_the_workbook_schemas_shape()
    {
        Assert.Equal("Notebook/1.0", Workbook["version"]!.GetValue<string>());
        var items = Items.ToList();
        Assert.NotEmpty(items);
        Assert.Equal(items.Count, items.Select(i => i["name"]!.GetValue<string>()).Distinct().Count());
        Assert.All(items, i => Assert.Contains(i["type"]!.GetValue<int>(), new[] { 1, 3, 9, 12 }));
        Assert.All(items.Where(i => i["type"]!.GetValue<int>() == 3), i =>
        {
            var content = i["content"]!;
            Assert.Equal("KqlItem/1.0", content["version"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(content["query"]!.GetValue<string>()));
            Assert.Equal(0, content["queryType"]!.GetValue<int>());
            Assert.Equal("microsoft.insights/components", content["resourceType"]!.GetValue<string>());
            Assert.Equal("TimeRange", content["timeContextFromParameter"]!.GetValue<string>());
        });

        var parameters = items.Single(i => i["type"]!.GetValue<int>() == 9)["content"]!;
        Assert.Equal("KqlParameterItem/1.0", parameters["version"]!.GetValue<string>());
        var declared = parameters["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!["type"]!.GetValue<int>());
        Assert.Equal(4, declared["TimeRange"]); // time range picker
        Assert.Equal(1, declared["Site"]); // text
        Assert.All(WorkbookQueries.SelectMany(q => ParameterUse().Matches(q).Select(m => m.Groups[1].Value)), p => Assert.Contains(p, declared.Keys));

        // What issue 13 asks the workbook to answer, each its own item.
        Assert.Superset(
            new HashSet<string> { "fleet-grid", "silent-sites", "failures-by-category", "snapshots-per-day", "queue-wait-and-load", "queues-and-concurrency", "site-drilldown" },
            items.Select(i => i["name"]!.GetValue<string>()).ToHashSet());
    }

    [Fact]
    public void Every_event_metric_dimension_and_category_the_workbook_and_alerts_read_is_one_the_code_emits()
    {
        var queries = WorkbookQueries.Concat(AlertQueries).ToList();
        Assert.True(AlertQueries.Count >= 4, $"found {AlertQueries.Count} alert queries in bicep/");

        var names = queries.SelectMany(NamesCompared).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(TelemetryNames.Events.Contains(n) || TelemetryNames.Metrics.Contains(n), $"'{n}' is read by a query but emitted by no code"));

        var dimensions = queries.SelectMany(q => Dimension().Matches(q).Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.NotEmpty(dimensions);
        Assert.All(dimensions, d => Assert.True(TelemetryNames.Dimensions.Contains(d) || TelemetryNames.MetricTags.Contains(d), $"customDimensions.{d} is read but never written"));

        var categories = queries.SelectMany(q => Quoted().Matches(q).Select(m => m.Groups[1].Value)).Where(v => v.Contains('-', StringComparison.Ordinal) && !v.Contains('.', StringComparison.Ordinal)).Distinct().ToList();
        Assert.Contains(FailureCategories.MachineOff, categories);
        // A SnapshotFailed cause (central-database-<SQLSTATE>, storage-<status>) is compared too, and an UpdateReported
        // state or reason (contracts UpdateStates, UpdateFailureCodes); everything else quoted with a hyphen is a failure category.
        var updateWords = new[] { typeof(UpdateStates), typeof(UpdateFailureCodes) }
            .SelectMany(t => t.GetFields()).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        Assert.All(categories.Where(c => !c.StartsWith("central-database-", StringComparison.Ordinal) && !c.StartsWith("storage-", StringComparison.Ordinal) && !updateWords.Contains(c)),
            c => Assert.Contains(c, FailureCategories.All));

        // The alerts issue 13 asks for, each reading what it should.
        Assert.Contains(AlertQueries, q => q.Contains(TelemetryNames.SilentSites, StringComparison.Ordinal));
        Assert.Contains(AlertQueries, q => q.Contains(TelemetryNames.PoisonQueueLength, StringComparison.Ordinal));
        Assert.Contains(AlertQueries, q => q.Contains(TelemetryNames.SnapshotFailed, StringComparison.Ordinal));
        Assert.Contains(AlertQueries, q => q.Contains(TelemetryNames.HeldSnapshots, StringComparison.Ordinal));
        // Issue 26: a rollout's update failure share.
        Assert.Contains(AlertQueries, q => q.Contains(TelemetryNames.UpdateReported, StringComparison.Ordinal)
            && q.Contains($"\"{UpdateStates.RolledBack}\"", StringComparison.Ordinal) && q.Contains($"\"{UpdateStates.UpdateFailed}\"", StringComparison.Ordinal));
        // A missing grant fails every load (retried, not rejected): an alert names its cause.
        var denied = PecLists.Functions.Loading.LoadErrors.TransientCause(new Npgsql.PostgresException("permission denied", "ERROR", "ERROR", "42501"));
        Assert.Contains(AlertQueries, q => q.Contains(TelemetryNames.SnapshotFailed, StringComparison.Ordinal) && q.Contains($"\"{denied}\"", StringComparison.Ordinal));
    }

    [Fact]
    public void The_name_reader_finds_comparisons_and_lists()
    {
        Assert.Equal(["A", "B", "c.d"], NamesCompared("""x | where name == "A" or name in ("B", "c.d") | extend y = name"""));
    }

    [Fact]
    public void The_failure_catalog_documents_every_category()
    {
        var catalog = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "failure-catalog.md"));

        Assert.All(FailureCategories.All, c => Assert.Contains($"`{c}`", catalog, StringComparison.Ordinal));
    }

    private static List<string> NamesCompared(string query) =>
        [.. NameEquals().Matches(query).Select(m => m.Groups[1].Value)
            .Concat(NameIn().Matches(query).SelectMany(m => Quoted().Matches(m.Groups[1].Value).Select(q => q.Groups[1].Value)))
            .Distinct()];

    [GeneratedRegex("""query: '(?<q>(?:[^'\\]|\\.)*)'""")]
    private static partial Regex BicepQuery();

    [GeneratedRegex(@"\bname\s*==\s*""([^""]+)""")]
    private static partial Regex NameEquals();

    [GeneratedRegex("""\bname\s+in\s*\(([^)]*)\)""")]
    private static partial Regex NameIn();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"customDimensions\.([A-Za-z_]+)")]
    private static partial Regex Dimension();

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex ParameterUse();
}
