using LocalInfra;

namespace HostStandIn.Tests;

/// <summary>host.json and function.json read as the host reads them (the real app root: the functions build output).</summary>
public sealed class ScriptRootTests
{
    // The app root as the host sees it: the build output, where host.json and the function folders are copied.
    private static readonly string AppRoot = Path.GetDirectoryName(RepoPaths.FunctionsDll)!;

    private static AppSettings Config(params (string Key, string Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));

    private static ScriptRoot Root(string path, AppSettings settings) => new(path, settings);

    [Fact]
    public void Reads_the_queue_settings_of_host_json()
    {
        var settings = Root(AppRoot, Config()).QueueSettings();

        Assert.Equal(2, settings.BatchSize);
        Assert.Equal(0, settings.NewBatchThreshold);
        Assert.Equal(5, settings.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.MaxPollingInterval);
        Assert.Equal("base64", settings.MessageEncoding);
    }

    [Fact]
    public void App_settings_override_host_json_like_the_Functions_host()
    {
        var settings = Root(AppRoot, Config(
            ("AzureFunctionsJobHost__extensions__queues__maxDequeueCount", "2"),
            ("AzureFunctionsJobHost:extensions:queues:visibilityTimeout", "00:00:01"))).QueueSettings();

        Assert.Equal(2, settings.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.VisibilityTimeout);
        Assert.Equal(2, settings.BatchSize);
    }

    [Fact]
    public void Missing_settings_fall_back_to_the_queue_extension_defaults()
    {
        var root = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(root, "host.json"), """{ "version": "2.0" }""");

        var settings = Root(root, Config()).QueueSettings();

        Assert.Equal(16, settings.BatchSize);
        Assert.Equal(8 * Environment.ProcessorCount, settings.NewBatchThreshold);
        Assert.Equal(5, settings.MaxDequeueCount);
        Assert.Equal(TimeSpan.Zero, settings.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.MaxPollingInterval);
        Assert.Equal("base64", settings.MessageEncoding);
        Directory.Delete(root, true);
    }
}
