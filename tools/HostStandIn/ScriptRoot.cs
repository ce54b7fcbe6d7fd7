using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace HostStandIn;

/// <summary>
/// The function app root as the host reads it: host.json (with the <c>AzureFunctionsJobHost__…</c> app-setting
/// overrides) and one folder with a function.json per function directly under the root.
/// </summary>
public sealed partial class ScriptRoot
{
    private const string OverridePrefix = "AzureFunctionsJobHost__";
    private readonly JObject _hostJson;
    private readonly AppSettings _settings;
    private readonly Lazy<List<(string Name, IReadOnlyList<JObject> Bindings, JObject? Retry)>> _functions;

    public ScriptRoot(string path, AppSettings settings)
    {
        Path = System.IO.Path.GetFullPath(path);
        _settings = settings;
        var hostJson = System.IO.Path.Combine(Path, "host.json");
        if (!File.Exists(hostJson))
        {
            throw new InvalidOperationException($"{hostJson} not found: the script root must hold host.json.");
        }

        _hostJson = JObject.Parse(File.ReadAllText(hostJson));
        _functions = new(ReadFunctions);
    }

    public string Path { get; }

    /// <summary>host.json value at a ':'-separated path; an app setting AzureFunctionsJobHost__a__b wins.</summary>
    public string? Setting(string path) =>
        _settings[OverridePrefix + path.Replace(":", "__", StringComparison.Ordinal)]
        ?? _hostJson.SelectToken(string.Join('.', path.Split(':')))?.ToString();

    /// <summary>
    /// host.json <c>functionTimeout</c> as the host reads it on Flex (Config/ScriptJobHostOptionsSetup.ConfigureFunctionTimeout,
    /// 89dc438 lines 99-110): absent → DefaultFunctionTimeout, 30 minutes (line 21; the 5-minute default is only for the old
    /// Consumption SKU, line 101); -1 → no limit (null; Flex supports unbounded timeouts, line 136); under 1 s is refused.
    /// </summary>
    public TimeSpan? FunctionTimeout
    {
        get
        {
            var value = Setting("functionTimeout");
            if (value is null)
            {
                return DefaultFunctionTimeout;
            }

            var timeout = TimeSpan.Parse(value, CultureInfo.InvariantCulture);
            if (timeout == TimeSpan.FromDays(-1))
            {
                return null;
            }

            return timeout >= TimeSpan.FromSeconds(1) ? timeout
                : throw new InvalidOperationException($"FunctionTimeout must be greater than {TimeSpan.FromSeconds(1)} and less than {TimeSpan.MaxValue}.");
        }
    }

    /// <summary>Host: ScriptJobHostOptionsSetup.DefaultFunctionTimeout.</summary>
    public static TimeSpan DefaultFunctionTimeout { get; } = TimeSpan.FromMinutes(30);

    /// <summary><c>extensions.http.routePrefix</c>, "api" by default.</summary>
    public string RoutePrefix => Setting("extensions:http:routePrefix") ?? "api";

    // Host: Workers/Http/Configuration/HttpWorkerOptionsSetup.ConfigureWorkerDescription and
    // Workers/Http/HttpWorkerDescription.ApplyDefaultsAndValidate (89dc438).
    public CustomHandlerDescription CustomHandler()
    {
        var section = _hostJson["customHandler"] as JObject
            ?? throw new InvalidOperationException("host.json has no customHandler section.");
        var description = section["description"] as JObject
            ?? throw new InvalidOperationException("host.json customHandler has no description.");

        // ApplyDefaultsAndValidate: workerDirectory defaults to the app root; a relative one is joined to it.
        var workerDirectory = description.Value<string>("workerDirectory");
        workerDirectory = string.IsNullOrEmpty(workerDirectory) ? Path
            : System.IO.Path.IsPathRooted(workerDirectory) ? workerDirectory
            : System.IO.Path.Combine(Path, workerDirectory);

        // WorkerDescription.ExpandEnvironmentVariables runs before the path is resolved.
        var executable = Environment.ExpandEnvironmentVariables(description.Value<string>("defaultExecutablePath") ?? string.Empty);

        // A relative path becomes workerDirectory/path only when that file exists (not workingDirectory: that is only
        // the process's current directory); otherwise it is left as is, "a runtime on the system path" (e.g. dotnet).
        if (executable.Length > 0 && !System.IO.Path.IsPathRooted(executable) && File.Exists(System.IO.Path.Combine(workerDirectory, executable)))
        {
            executable = System.IO.Path.Combine(workerDirectory, executable);
        }

        if (executable.Length == 0)
        {
            throw new InvalidOperationException("WorkerDescription DefaultExecutablePath cannot be empty");
        }

        var workingDirectory = description.Value<string>("workingDirectory");
        workingDirectory = string.IsNullOrEmpty(workingDirectory) ? Path
            : System.IO.Path.IsPathRooted(workingDirectory) ? workingDirectory
            : System.IO.Path.Combine(Path, workingDirectory);

        var arguments = (description["arguments"] as JArray ?? []).Select(a => ExpandAppSettings(a.ToString())).ToList();
        return new CustomHandlerDescription(executable, arguments, workingDirectory, section.Value<bool?>("enableForwardingHttpRequest") ?? false);
    }

    public QueueTriggerSettings QueueSettings()
    {
        // Defaults are the queue extension's own (QueuesOptions).
        var batchSize = ParseInt(Setting("extensions:queues:batchSize"), 16);
        return new QueueTriggerSettings(
            BatchSize: batchSize,
            NewBatchThreshold: ParseInt(Setting("extensions:queues:newBatchThreshold"), batchSize / 2 * Environment.ProcessorCount),
            MaxDequeueCount: ParseInt(Setting("extensions:queues:maxDequeueCount"), 5),
            VisibilityTimeout: ParseTime(Setting("extensions:queues:visibilityTimeout"), TimeSpan.Zero),
            MaxPollingInterval: ParseTime(Setting("extensions:queues:maxPollingInterval"), TimeSpan.FromMinutes(1)),
            MessageEncoding: Setting("extensions:queues:messageEncoding") ?? "base64");
    }

    public IReadOnlyList<HttpFunction> HttpFunctions() =>
        [.. Functions().SelectMany(f => f.Bindings
            .Where(b => string.Equals(b.Value<string>("type"), "httpTrigger", StringComparison.OrdinalIgnoreCase))
            .Select(b => new HttpFunction(
                f.Name,
                b.Value<string>("route") ?? f.Name,
                [.. (b["methods"] as JArray ?? []).Select(m => m.ToString().ToUpperInvariant())],
                b.Value<string>("authLevel") ?? "function",
                IsHttpInAndOut(f.Bindings))))];

    public IReadOnlyList<QueueFunction> QueueFunctions() =>
        [.. Functions().SelectMany(f => f.Bindings
            .Where(b => string.Equals(b.Value<string>("type"), "queueTrigger", StringComparison.OrdinalIgnoreCase))
            .Select(b => new QueueFunction(
                f.Name,
                b.Value<string>("name") ?? throw new InvalidOperationException($"{f.Name}: binding name missing"),
                b.Value<string>("queueName") ?? throw new InvalidOperationException($"{f.Name}: queueName missing"),
                b.Value<string>("connection") ?? "AzureWebJobsStorage",
                b.Value<string>("dataType"))))];

    public IReadOnlyList<TimerFunction> TimerFunctions() =>
        [.. Functions().SelectMany(f => f.Bindings
            .Where(b => string.Equals(b.Value<string>("type"), "timerTrigger", StringComparison.OrdinalIgnoreCase))
            .Select(b => new TimerFunction(
                f.Name,
                b.Value<string>("name") ?? throw new InvalidOperationException($"{f.Name}: binding name missing"),
                b.Value<string>("schedule") ?? throw new InvalidOperationException($"{f.Name}: schedule missing"),
                b.Value<bool?>("runOnStartup") ?? false,
                b.Value<bool?>("useMonitor") ?? true)))];

    /// <summary>Every function folder (read once, as the host indexes them at start-up), with its retry policy if any.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<JObject> Bindings, JObject? Retry)> Functions() => _functions.Value;

    private List<(string Name, IReadOnlyList<JObject> Bindings, JObject? Retry)> ReadFunctions() =>
        [.. Directory.GetDirectories(Path).Order(StringComparer.Ordinal)
            .Select(d => System.IO.Path.Combine(d, "function.json"))
            .Where(File.Exists)
            .Select(file =>
            {
                var json = JObject.Parse(File.ReadAllText(file));
                IReadOnlyList<JObject> bindings = [.. (json["bindings"] as JArray ?? []).OfType<JObject>()];
                return (System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(file)!), bindings, json["retry"] as JObject);
            })];

    /// <summary>A function-level or host-level retry policy (host.json <c>retry</c>).</summary>
    public JObject? RetryPolicyOf(string function) =>
        Functions().FirstOrDefault(f => f.Name == function).Retry ?? _hostJson["retry"] as JObject;

    // Host: Extensions/FunctionMetadataExtensions.IsHttpInAndOutFunction — exactly one httpTrigger in, one http out.
    private static bool IsHttpInAndOut(IReadOnlyList<JObject> bindings)
    {
        var inputs = bindings.Where(b => !string.Equals(b.Value<string>("direction"), "out", StringComparison.OrdinalIgnoreCase)).ToList();
        var outputs = bindings.Where(b => string.Equals(b.Value<string>("direction"), "out", StringComparison.OrdinalIgnoreCase)).ToList();
        return inputs.Count == 1 && outputs.Count == 1
            && string.Equals(inputs[0].Value<string>("type"), "httpTrigger", StringComparison.OrdinalIgnoreCase)
            && string.Equals(outputs[0].Value<string>("type"), "http", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>"%NAME%" in arguments is replaced by the app setting NAME, as the host does.</summary>
    private string ExpandAppSettings(string argument) =>
        AppSettingReference().Replace(argument, m => _settings[m.Groups[1].Value] ?? m.Value);

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex AppSettingReference();

    private static int ParseInt(string? value, int fallback) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;

    private static TimeSpan ParseTime(string? value, TimeSpan fallback) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;
}
