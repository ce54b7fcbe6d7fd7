using System.Globalization;
using System.Text.Json.Nodes;

namespace Ingest.Functions.Hosting;

/// <summary>The queue trigger settings the Functions host applies (host.json <c>extensions.queues</c>).</summary>
public sealed record QueueTriggerSettings(
    int BatchSize,
    int NewBatchThreshold,
    int MaxDequeueCount,
    TimeSpan VisibilityTimeout,
    TimeSpan MaxPollingInterval,
    string MessageEncoding);

/// <summary>A queue-triggered function as its function.json declares it.</summary>
public sealed record QueueFunction(string Name, string BindingName, string QueueName, string Connection);

/// <summary>
/// Reads host.json and function.json from the app root exactly as the host would, including the host's
/// app-setting overrides (<c>AzureFunctionsJobHost__extensions__queues__batchSize</c> and so on).
/// </summary>
public static class HostSettings
{
    private const string OverridePrefix = "AzureFunctionsJobHost";

    public static QueueTriggerSettings ReadQueueSettings(string appRoot, IConfiguration configuration)
    {
        var queues = ReadJson(Path.Combine(appRoot, "host.json"))["extensions"]?["queues"];
        string? Setting(string name) =>
            configuration[$"{OverridePrefix}:extensions:queues:{name}"] ?? queues?[name]?.ToString();

        // Defaults are the queue extension's own (QueuesOptions).
        var batchSize = ParseInt(Setting("batchSize"), 16);
        return new QueueTriggerSettings(
            BatchSize: batchSize,
            NewBatchThreshold: ParseInt(Setting("newBatchThreshold"), batchSize / 2 * Environment.ProcessorCount),
            MaxDequeueCount: ParseInt(Setting("maxDequeueCount"), 5),
            VisibilityTimeout: ParseTime(Setting("visibilityTimeout"), TimeSpan.Zero),
            MaxPollingInterval: ParseTime(Setting("maxPollingInterval"), TimeSpan.FromMinutes(1)),
            MessageEncoding: Setting("messageEncoding") ?? "base64");
    }

    public static IReadOnlyList<QueueFunction> ReadQueueFunctions(string appRoot)
    {
        var functions = new List<QueueFunction>();
        // Like the host: one folder per function directly under the app root.
        foreach (var file in Directory.GetDirectories(appRoot).Select(d => Path.Combine(d, "function.json")).Where(File.Exists))
        {
            var name = Path.GetFileName(Path.GetDirectoryName(file)!);
            foreach (var binding in ReadJson(file)["bindings"]?.AsArray() ?? [])
            {
                if (binding?["type"]?.ToString() == "queueTrigger")
                {
                    functions.Add(new QueueFunction(
                        name,
                        binding["name"]?.ToString() ?? "msg",
                        binding["queueName"]?.ToString() ?? throw new InvalidOperationException($"{file}: queueName missing"),
                        binding["connection"]?.ToString() ?? "AzureWebJobsStorage"));
                }
            }
        }

        return functions;
    }

    private static JsonNode ReadJson(string path) =>
        JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is empty.");

    private static int ParseInt(string? value, int fallback) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;

    private static TimeSpan ParseTime(string? value, TimeSpan fallback) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;
}
