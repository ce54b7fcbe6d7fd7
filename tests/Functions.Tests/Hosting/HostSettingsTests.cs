using Ingest.Functions.Hosting;
using Ingest.Functions.Storage;
using LocalInfra;
using Microsoft.Extensions.Configuration;

namespace Ingest.Functions.Tests.Hosting;

public sealed class HostSettingsTests
{
    private static readonly string AppRoot = Path.Combine(RepoPaths.Root, "functions");

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Reads_the_queue_settings_of_host_json()
    {
        var settings = HostSettings.ReadQueueSettings(AppRoot, Config());

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
        var settings = HostSettings.ReadQueueSettings(AppRoot, Config(
            ("AzureFunctionsJobHost:extensions:queues:maxDequeueCount", "2"),
            ("AzureFunctionsJobHost:extensions:queues:visibilityTimeout", "00:00:01")));

        Assert.Equal(2, settings.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.VisibilityTimeout);
        Assert.Equal(2, settings.BatchSize);
    }

    [Fact]
    public void Missing_settings_fall_back_to_the_queue_extension_defaults()
    {
        var root = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(root, "host.json"), """{ "version": "2.0" }""");

        var settings = HostSettings.ReadQueueSettings(root, Config());

        Assert.Equal(16, settings.BatchSize);
        Assert.Equal(8 * Environment.ProcessorCount, settings.NewBatchThreshold);
        Assert.Equal(5, settings.MaxDequeueCount);
        Assert.Equal(TimeSpan.Zero, settings.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.MaxPollingInterval);
        Assert.Equal("base64", settings.MessageEncoding);
        Directory.Delete(root, true);
    }

    [Fact]
    public void The_load_function_listens_on_the_queue_ingest_writes_to()
    {
        var load = Assert.Single(HostSettings.ReadQueueFunctions(AppRoot));

        Assert.Equal("load", load.Name);
        Assert.Equal("msg", load.BindingName);
        Assert.Equal(new IngestOptions().Queue, load.QueueName);
        Assert.Equal(IngestOptions.StorageConnectionName, load.Connection);
    }

    [Fact]
    public void Producer_encoding_matches_the_trigger_encoding()
    {
        var settings = HostSettings.ReadQueueSettings(AppRoot, Config());

        Assert.Equal(Azure.Storage.Queues.QueueMessageEncoding.Base64, StorageClients.QueueOptions().MessageEncoding);
        Assert.Equal("base64", settings.MessageEncoding);
    }
}
