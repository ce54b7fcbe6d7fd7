using System.Text.Json;
using System.Text.Json.Nodes;
using LocalInfra;

namespace HostStandIn.Tests;

/// <summary>
/// A throwaway function app whose handler is echo.js (Node): host.json launches it the way ours launches Functions.dll,
/// and its function.json files declare what a test needs. Started behind the real stand-in.
/// </summary>
public sealed class EchoApp : IAsyncDisposable
{
    private EchoApp(string root, FunctionsHostStandIn host)
    {
        Root = root;
        Host = host;
    }

    public string Root { get; }

    public FunctionsHostStandIn Host { get; }

    public string InvocationLog => Path.Combine(Root, "invocations.jsonl");

    public HttpClient Http { get; } = new();

    public static Task<EchoApp> StartAsync(
        IDictionary<string, string?>? settings = null, string? extraHostJson = null, params (string Name, string FunctionJson)[] functions) =>
        StartAsync(QueueTriggerDispatcher.DefaultLease, settings, extraHostJson, functions);

    /// <summary>As above, with the queue listener's message lease scaled down (the host's is 10 minutes).</summary>
    public static async Task<EchoApp> StartAsync(
        TimeSpan queueLease, IDictionary<string, string?>? settings, string? extraHostJson, params (string Name, string FunctionJson)[] functions)
    {
        var root = Directory.CreateTempSubdirectory("echo-app-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "EchoHandler", "echo.js"), Path.Combine(root, "echo.js"));
        var host = JsonNode.Parse($$"""
            {
              "version": "2.0",
              "functionTimeout": "00:01:00",
              "customHandler": {
                "description": { "defaultExecutablePath": "node", "arguments": [ "echo.js", "%ECHO_SETTING%" ] },
                "enableForwardingHttpRequest": true
              },
              "extensions": { "http": { "routePrefix": "api" } }
            }
            """)!.AsObject();
        if (extraHostJson is not null)
        {
            foreach (var (key, value) in JsonNode.Parse(extraHostJson)!.AsObject().ToList())
            {
                host[key] = value?.DeepClone();
            }
        }

        await File.WriteAllTextAsync(Path.Combine(root, "host.json"), host.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        foreach (var (name, json) in functions)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            await File.WriteAllTextAsync(Path.Combine(root, name, "function.json"), json);
        }

        var appSettings = new Dictionary<string, string?> { ["ECHO_SETTING"] = "expanded", ["ECHO_LOG"] = Path.Combine(root, "invocations.jsonl") };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            appSettings[key] = value;
        }

        var standIn = await FunctionsHostStandIn.StartAsync(new StandInOptions { ScriptRoot = root, AppSettings = appSettings, QueueMessageLease = queueLease });
        return new EchoApp(root, standIn);
    }

    public static string HttpFunction(string route, params string[] methods) => $$"""
        { "bindings": [
            { "type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous",
              "methods": [ {{string.Join(", ", methods.Select(m => $"\"{m}\""))}} ], "route": "{{route}}" },
            { "type": "http", "direction": "out", "name": "res" } ] }
        """;

    public static string QueueFunction(string queue, string connection = "EchoStorage") => $$"""
        { "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "{{queue}}", "connection": "{{connection}}" } ] }
        """;

    public static string TimerFunction(string schedule, string extra = "") => $$"""
        { "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "{{schedule}}"{{extra}} } ] }
        """;

    public Uri Url(string pathAndQuery) => new(Host.Endpoint, pathAndQuery);

    /// <summary>Waits until <paramref name="condition"/> holds (polled every 50 ms), failing with the host's log after 30 s.</summary>
    public Task WaitUntilAsync(Func<bool> condition, string whatWeWaitedFor) =>
        Eventually.UntilAsync(condition, TimeSpan.FromSeconds(30), whatWeWaitedFor, TimeSpan.FromMilliseconds(50), () => Host.Log.Text);

    /// <summary>Waits until the handler has received at least <paramref name="count"/> invocations (30 s), and returns them all.</summary>
    public Task<IReadOnlyList<JsonObject>> WaitForInvocationsAsync(int count) =>
        Eventually.UntilAsync(
            () => Invocations(), received => received.Count >= count, TimeSpan.FromSeconds(30), $"{count} invocation(s) of the handler", TimeSpan.FromMilliseconds(100),
            received => $"{received.Count} of {count} invocations arrived", () => Host.Log.Text);

    /// <summary>What the handler received for queue invocations, one entry per call.</summary>
    public IReadOnlyList<JsonObject> Invocations() =>
        File.Exists(InvocationLog)
            ? [.. File.ReadAllLines(InvocationLog).Select(l => JsonNode.Parse(l)!.AsObject())]
            : [];

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
