namespace HostStandIn;

/// <summary>What to run: the app root (host.json + function folders) and its app settings.</summary>
public sealed class StandInOptions
{
    public required string ScriptRoot { get; init; }

    /// <summary>The app settings both the host and the handler see (environment variables in Azure).</summary>
    public IDictionary<string, string?> AppSettings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The public port (the app's own URL); 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Called with every log line: the stand-in's and the handler's console output.</summary>
    public Action<string>? OnLog { get; init; }

    /// <summary>
    /// How long a queue message is leased when received and on each renewal (host: QueueListener, 10 minutes). Tests
    /// scale it down to watch the renewal in seconds.
    /// </summary>
    public TimeSpan QueueMessageLease { get; init; } = QueueTriggerDispatcher.DefaultLease;

    /// <summary>Host: HttpWorkerOptions.InitializationTimeout (30 s).</summary>
    public TimeSpan InitializationTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
