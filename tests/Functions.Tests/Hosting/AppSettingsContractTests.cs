using System.Text.RegularExpressions;
using LocalInfra;
using PecLists.Functions.Hosting;
using PecLists.Functions.Storage;
using PecLists.Functions.Loading;

namespace PecLists.Functions.Tests.Hosting;

/// <summary>
/// Bicep and the code agree on app setting names (issue 14 acceptance): every setting bicep/main.bicep gives the function
/// app is one the code reads (<see cref="AppSettingNames"/>) or one the Functions host or the platform reads, and every
/// setting the code needs in Azure is set. Reads the .bicep text: no Bicep CLI needed.
/// </summary>
public sealed partial class AppSettingsContractTests
{
    /// <summary>
    /// Settings read by the Functions host or the App Service platform, not by the app. Each prefix is the host's:
    /// AzureWebJobsStorage__* its own storage by identity, AzureFunctionsJobHost__* host.json overrides, FUNCTIONS_* and
    /// WEBSITE_* / SCM_* the platform's (https://learn.microsoft.com/azure/azure-functions/functions-app-settings).
    /// </summary>
    private static readonly string[] HostPrefixes = ["AzureWebJobsStorage__", "AzureFunctionsJobHost__", "FUNCTIONS_", "WEBSITE_", "SCM_"];

    [Fact]
    public void Every_setting_Bicep_sets_is_read_by_the_code_or_the_host()
    {
        var unknown = BicepSettings().Where(s => !AppSettingNames.ReadByCode.Contains(s) && !IsHostSetting(s)).ToList();

        Assert.True(unknown.Count == 0, $"bicep/main.bicep sets settings nothing reads: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Every_setting_the_code_needs_in_Azure_is_set_by_Bicep()
    {
        var set = BicepSettings().ToHashSet(StringComparer.OrdinalIgnoreCase);

        var missing = AppSettingNames.RequiredInAzure.Where(s => !set.Contains(s)).ToList();

        Assert.True(missing.Count == 0, $"bicep/main.bicep does not set: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_settings_are_found_in_the_Bicep()
    {
        // Guards the parser: an empty or half-read block would make the checks above pass vacuously.
        var settings = BicepSettings();

        Assert.Contains("AzureWebJobsStorage__credential", settings);
        Assert.Contains("IngestStorage__queueServiceUri", settings);
        Assert.Contains("Lists__SigningPublicKey", settings);
        Assert.Equal(settings.Count, settings.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void The_catalog_holds_the_options_settings_and_the_connections()
    {
        Assert.Contains("Load__MaxConcurrentLoads", AppSettingNames.ReadByCode);
        Assert.Contains("Database__MaxPoolSize", AppSettingNames.ReadByCode);
        Assert.Contains("ingest__container", AppSettingNames.ReadByCode);
        Assert.DoesNotContain("Database__ConnectionStringHasPassword", AppSettingNames.ReadByCode);
        Assert.DoesNotContain(AppSettingNames.RequiredInAzure, s => !AppSettingNames.ReadByCode.Contains(s));
    }

    [Fact]
    public void The_storage_names_Bicep_creates_are_the_ones_the_code_and_the_trigger_use()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "bicep", "main.bicep"));
        var trigger = File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "function-app", "load", "function.json"));

        Assert.Contains($"var loadQueue = '{LoadQueue.DefaultName}'", bicep, StringComparison.Ordinal);
        Assert.Contains($"\"queueName\": \"{LoadQueue.DefaultName}\"", trigger, StringComparison.Ordinal);
        Assert.Contains($"var snapshotsContainer = '{new SnapshotStorageOptions().Container}'", bicep, StringComparison.Ordinal);
        Assert.Contains($"\"connection\": \"{IngestStorageOptions.Section}\"", trigger, StringComparison.Ordinal);
    }

    private static bool IsHostSetting(string name) => HostPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    /// <summary>
    /// The keys of main.bicep's <c>var appSettings = union(...)</c> block (the function app module gets all its settings
    /// from it): string literals and comments removed, then every <c>Name:</c> that starts an object property.
    /// </summary>
    private static List<string> BicepSettings()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "bicep", "main.bicep"));
        var start = Array.FindIndex(lines, l => l.StartsWith("var appSettings = ", StringComparison.Ordinal));
        Assert.True(start >= 0, "bicep/main.bicep has no 'var appSettings = ' block");
        var end = Array.FindIndex(lines, start, l => l == ")");
        Assert.True(end > start, "the appSettings block in bicep/main.bicep does not end with a line ')'");

        var settings = new List<string>();
        foreach (var line in lines[start..end])
        {
            var code = Strings().Replace(line, "''");
            var comment = code.IndexOf("//", StringComparison.Ordinal);
            code = comment >= 0 ? code[..comment] : code;
            settings.AddRange(Keys().Matches(code).Select(m => m.Groups["key"].Value));
        }

        return settings;
    }

    [GeneratedRegex("'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"(?:^|[{,]|\s)(?<key>[A-Za-z_][A-Za-z0-9_]*)\s*:(?=\s)")]
    private static partial Regex Keys();
}
