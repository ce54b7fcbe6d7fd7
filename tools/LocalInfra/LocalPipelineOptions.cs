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

    /// <summary>Upload retry settings for the uploaders (short in tests).</summary>
    public int UploadMaxAttempts { get; set; } = 4;

    public double UploadFirstRetryDelaySeconds { get; set; } = 0.5;
}
