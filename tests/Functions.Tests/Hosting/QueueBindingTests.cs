using HostStandIn;
using PecLists.Functions.Storage;
using LocalInfra;
using PecLists.Functions.Loading;

namespace PecLists.Functions.Tests.Hosting;

/// <summary>The load function's queue binding (function.json, host.json) agrees with what ingest produces.</summary>
public sealed class QueueBindingTests
{
    // The app root as the host sees it: the build output, where host.json and the function folders are copied.
    private static readonly string AppRoot = Path.GetDirectoryName(RepoPaths.FunctionsDll)!;

    private static ScriptRoot Root() => new(AppRoot, new AppSettings([]));

    [Fact]
    public void The_load_function_listens_on_the_queue_ingest_writes_to()
    {
        var load = Assert.Single(Root().QueueFunctions());

        Assert.Equal("load", load.Name);
        Assert.Equal("msg", load.BindingName);
        Assert.Equal(new LoadQueueOptions().Queue, load.QueueName);
        Assert.Equal(IngestStorageOptions.Section, load.Connection);
    }

    [Fact]
    public void Producer_encoding_matches_the_trigger_encoding()
    {
        var settings = Root().QueueSettings();

        Assert.Equal(Azure.Storage.Queues.QueueMessageEncoding.Base64, StorageClients.QueueOptions().MessageEncoding);
        Assert.Equal("base64", settings.MessageEncoding);
    }
}
