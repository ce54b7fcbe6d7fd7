namespace LocalInfra;

public sealed class LocalPipelineOptions
{
    /// <summary>Extra app settings for the function app (host and handler), e.g. host.json overrides (AzureFunctionsJobHost__...).</summary>
    public Dictionary<string, string?> FunctionsEnvironment { get; } = [];

    /// <summary>Called with every line of the function app's log (the host stand-in's and the handler's).</summary>
    public Action<string>? OnFunctionsOutput { get; set; }

    /// <summary>Overrides host.json's queue retry settings the way app settings do under the host (shorter in tests).</summary>
    public LocalPipelineOptions WithQueueRetries(int maxDequeueCount, TimeSpan visibilityTimeout)
    {
        FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__maxDequeueCount"] = maxDequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = visibilityTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        return this;
    }

    /// <summary>The function app's real Azure Monitor exporter sends its telemetry to this stand-in (demo and fleet tests).</summary>
    public LocalPipelineOptions WithTelemetryTo(FakeAppInsights appInsights)
    {
        FunctionsEnvironment["APPLICATIONINSIGHTS_CONNECTION_STRING"] = appInsights.ConnectionString;
        return this;
    }

    /// <summary>Azurite keeps its data on disk, so the fault tests can stop and start it again; in memory otherwise.</summary>
    public bool StorageOnDisk { get; set; }

    /// <summary>Keeps fsync on in the central PostgreSQL (benchmarks that measure WAL and latency); tests leave it off.</summary>
    public bool DurableCentral { get; set; }

    /// <summary>Server settings for the central cluster on top of PostgresServer's (e.g. shared_buffers as the Azure tier has it); none by default.</summary>
    public IReadOnlyDictionary<string, string>? CentralSettings { get; set; }

    /// <summary>Upload retry settings for the uploaders (short in tests).</summary>
    public int UploadMaxAttempts { get; set; } = 4;

    public double UploadFirstRetryDelaySeconds { get; set; } = 0.5;

    /// <summary>
    /// The lists (names of lists/*.json) published at start, so the uploaders run them. Default: hipertensos alone, the
    /// list the end-to-end tests count snapshots of; <see cref="AllLists"/> publishes every shipped list (the demo).
    /// </summary>
    public IReadOnlyList<string> Lists { get; set; } = ["hipertensos"];

    /// <summary>Every shipped list, in name order.</summary>
    public static IReadOnlyList<string> AllLists =>
        [.. Directory.GetFiles(RepoPaths.ListsDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Sites reach Blob storage through <see cref="LocalPipeline.BlobRelay"/> (Ingest:SiteBlobEndpoint points at it), so a
    /// test can count and pace what an uploader sends in blocks; the function app itself talks to Azurite directly.
    /// </summary>
    public bool SiteBlobRelay { get; set; }

    /// <summary>The uploaders' upload.blockUploadAboveBytes; null: the uploader's default.</summary>
    public long? UploadBlockAboveBytes { get; set; }
}
