namespace HostStandIn;

/// <summary>
/// The app settings the host and the handler both see (in Azure: environment variables of both processes). Keys use
/// the environment form (<c>AzureFunctionsJobHost__extensions__queues__batchSize</c>); lookups accept ':' too.
/// </summary>
public sealed class AppSettings
{
    private readonly Dictionary<string, string?> _values;

    public AppSettings(IEnumerable<KeyValuePair<string, string?>> values) =>
        _values = new Dictionary<string, string?>(values.Select(v => KeyValuePair.Create(Normalize(v.Key), v.Value)), StringComparer.OrdinalIgnoreCase);

    /// <summary>This process's environment, as the host reads it.</summary>
    public static AppSettings FromEnvironment() =>
        new(Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => KeyValuePair.Create((string)e.Key, (string?)e.Value)));

    public IReadOnlyDictionary<string, string?> Values => _values;

    public string? this[string key] => _values.TryGetValue(Normalize(key), out var value) ? value : null;

    private static string Normalize(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
