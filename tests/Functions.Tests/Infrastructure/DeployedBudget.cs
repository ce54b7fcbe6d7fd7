using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LocalInfra;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>
/// The connection budget as deployed: the defaults of bicep/main.bicep's parameters (what `azd up` and the deploy
/// workflow use; bicep/main.bicepparam sets none of these) and the function groups Flex Consumption scales separately,
/// counted from functions/function-app/*/function.json (the HTTP functions together, each other trigger on its own:
/// azure-rest-api-specs#45083). Read from the repository, so the budget test follows any change to them.
/// </summary>
public sealed record DeployedBudget(
    int MaximumInstanceCount,
    int MaxPoolSize,
    int MaxConnections,
    int ReservedConnections,
    int MaxConcurrentLoads,
    int PgBouncerPoolSize,
    int PgBouncerMaxClientConnections,
    IReadOnlyList<string> FunctionGroups)
{
    public static DeployedBudget Read()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "bicep", "main.bicep"));
        int Param(string name) =>
            Regex.Match(bicep, $@"^param {name} int = (\d+)\s*$", RegexOptions.Multiline) is { Success: true } m
                ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"bicep/main.bicep has no 'param {name} int = <default>'");

        return new DeployedBudget(
            Param("maximumInstanceCount"),
            Param("databaseMaxPoolSize"),
            Param("postgresMaxConnections"),
            Param("reservedConnections"),
            Param("maxConcurrentLoads"),
            Param("pgBouncerPoolSize"),
            Param("pgBouncerMaxClientConnections"),
            FunctionGroupsOf(Path.Combine(RepoPaths.Root, "functions", "function-app")));
    }

    /// <summary>"http" once when any function has an HTTP trigger, then every other function by name.</summary>
    private static List<string> FunctionGroupsOf(string appRoot)
    {
        var groups = new List<string>();
        foreach (var file in Directory.GetFiles(appRoot, "function.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var trigger = json.RootElement.GetProperty("bindings").EnumerateArray()
                .Select(b => b.GetProperty("type").GetString() ?? string.Empty)
                .First(t => t.EndsWith("Trigger", StringComparison.Ordinal));
            var group = trigger == "httpTrigger" ? "http" : Path.GetFileName(Path.GetDirectoryName(file)!);
            if (!groups.Contains(group))
            {
                groups.Add(group);
            }
        }

        return groups;
    }
}
