using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using LocalInfra;

namespace HostStandIn.Tests;

/// <summary>
/// Each rule the stand-in copies from the host's queue-trigger invocation of a custom handler, pinned against a real
/// queue (Azurite) and a handler that records what it received. Host source: Azure/azure-functions-host
/// src/WebJobs.Script/Workers (commit 89dc438): ScriptInvocationContextExtensions, HttpScriptInvocationContextExtensions,
/// DefaultHttpWorkerService.ProcessDefaultInvocationRequest.
/// </summary>
public sealed class QueueInvocationConformanceTests(AzuriteFixture storage) : IClassFixture<AzuriteFixture>
{
    private const string Message = """{"snapshotId":"0194c2a0-0000-7000-8000-000000000001","site":"2611606","note":"ação"}""";

    private async Task<(EchoApp App, QueueClient Queue, QueueClient Poison)> StartAsync(
        Dictionary<string, string?>? settings = null, string? hostJson = null, TimeSpan? lease = null)
    {
        var queueName = "q" + Guid.NewGuid().ToString("N")[..12];
        settings ??= [];
        settings["EchoStorage"] = storage.Azurite.ConnectionString;
        hostJson ??= """{ "extensions": { "queues": { "batchSize": 1, "newBatchThreshold": 0, "maxDequeueCount": 2, "visibilityTimeout": "00:00:00", "maxPollingInterval": "00:00:00.200", "messageEncoding": "base64" } } }""";
        var app = await EchoApp.StartAsync(lease ?? QueueTriggerDispatcher.DefaultLease, settings, hostJson, ("consume", EchoApp.QueueFunction(queueName)));
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var queue = new QueueClient(storage.Azurite.ConnectionString, queueName, options);
        await queue.CreateIfNotExistsAsync();
        return (app, queue, new QueueClient(storage.Azurite.ConnectionString, queueName + "-poison", options));
    }

    private static async Task<string?> WaitForPoisonAsync(QueueClient poison, EchoApp app)
    {
        await Eventually.UntilAsync(
            async () => await poison.ExistsAsync() ? (await poison.PeekMessagesAsync()).Value.Length : 0, n => n > 0, TimeSpan.FromSeconds(30),
            "a message in the poison queue", TimeSpan.FromMilliseconds(100), n => $"{n} message(s)", () => app.Host.Log.Text);
        return (await poison.PeekMessagesAsync()).Value.Single().Body.ToString();
    }

    // GetHttpScriptInvocationContextValue: a string is not a JObject, so JsonConvert.SerializeObject makes it a JSON
    // string literal; the context is then serialized again. Metadata scalars go the same way; "sys" is an object.
    [Fact]
    public async Task A_string_message_arrives_as_a_JSON_string_holding_a_JSON_string_and_metadata_scalars_as_strings()
    {
        var (app, queue, _) = await StartAsync();
        await using var running = app;
        var sent = (await queue.SendMessageAsync(Message)).Value;

        var invocation = (await app.WaitForInvocationsAsync(1))[0];
        using var payload = JsonDocument.Parse(invocation["body"]!.ToString());
        var data = payload.RootElement.GetProperty("Data");
        var metadata = payload.RootElement.GetProperty("Metadata");

        Assert.Equal("/consume", invocation["url"]!.ToString());
        Assert.StartsWith("application/json", invocation["headers"]!["content-type"]!.ToString(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(invocation["headers"]!["x-azure-functions-invocationid"]!.ToString(), out _));

        var level1 = data.GetProperty("msg");
        Assert.Equal(JsonValueKind.String, level1.ValueKind);
        using var level2 = JsonDocument.Parse(level1.GetString()!);
        Assert.Equal(JsonValueKind.String, level2.RootElement.ValueKind);
        Assert.Equal(Message, level2.RootElement.GetString());

        Assert.Equal("1", metadata.GetProperty("DequeueCount").GetString());
        Assert.Equal($"\"{sent.MessageId}\"", metadata.GetProperty("Id").GetString());
        Assert.Matches("^\"[^\"]+\"$", metadata.GetProperty("PopReceipt").GetString()); // the receive's pop receipt, quoted
        Assert.True(metadata.GetProperty("InsertionTime").TryGetDateTimeOffset(out _));
        Assert.True(metadata.GetProperty("ExpirationTime").TryGetDateTimeOffset(out _));
        Assert.Equal("consume", metadata.GetProperty("sys").GetProperty("MethodName").GetString());
        Assert.False(metadata.TryGetProperty("QueueTrigger", out _));
        Assert.False(metadata.TryGetProperty("RetryContext", out _));

        // Utility.ApplyBindingData: a JSON message's top-level properties join the metadata (as quoted strings).
        Assert.Equal("\"2611606\"", metadata.GetProperty("site").GetString());
        Assert.Equal("\"ação\"", metadata.GetProperty("note").GetString());
    }

    // ProcessDefaultInvocationRequest: EnsureSuccessStatusCode — any non-2xx fails the invocation; the queue extension
    // then releases the message (visibilityTimeout) and moves it to "<queue>-poison" at maxDequeueCount.
    [Fact]
    public async Task A_non_2xx_answer_fails_the_invocation_so_the_message_is_retried_then_poisoned()
    {
        var (app, queue, poison) = await StartAsync(new Dictionary<string, string?> { ["ECHO_STATUS"] = "400" });
        await using var running = app;
        await queue.SendMessageAsync(Message);

        Assert.Equal(Message, await WaitForPoisonAsync(poison, app));
        var invocations = app.Invocations();
        Assert.Equal(2, invocations.Count);
        Assert.Equal(["1", "2"], invocations.Select(i => JsonDocument.Parse(i["body"]!.ToString()).RootElement.GetProperty("Metadata").GetProperty("DequeueCount").GetString()));
        Assert.Empty((await queue.PeekMessagesAsync()).Value);
        Assert.Contains("Moving message to queue '" + poison.Name + "'", app.Host.Log.Text, StringComparison.Ordinal);
    }

    // GetHttpScriptInvocationResult: a 2xx body that is not an invocation result throws, so the invocation fails too.
    [Fact]
    public async Task A_2xx_answer_that_is_not_an_invocation_result_fails_the_invocation()
    {
        var (app, queue, poison) = await StartAsync(new Dictionary<string, string?> { ["ECHO_BODY"] = "done" });
        await using var running = app;
        await queue.SendMessageAsync(Message);

        Assert.Equal(Message, await WaitForPoisonAsync(poison, app));
        Assert.Equal(2, app.Invocations().Count);
    }

    // A 2xx invocation result completes the invocation: the message is deleted and its Logs are logged as user logs.
    [Fact]
    public async Task A_2xx_invocation_result_deletes_the_message_and_its_logs_are_logged()
    {
        var (app, queue, poison) = await StartAsync();
        await using var running = app;
        await queue.SendMessageAsync(Message);

        await app.WaitForInvocationsAsync(1);
        await Eventually.UntilAsync(
            async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, n => n == 0, TimeSpan.FromSeconds(10),
            "the message to be deleted", TimeSpan.FromMilliseconds(100), n => $"about {n} message(s) in the queue");

        Assert.Single(app.Invocations());
        Assert.False(await poison.ExistsAsync());
        Assert.Contains("Function.consume.User: echo logged", app.Host.Log.Text, StringComparison.Ordinal);
    }

    // The queue listener keeps polling when storage is down; the host (and its HTTP side) keep running.
    [Fact]
    public async Task Storage_that_is_down_at_start_up_does_not_stop_the_host()
    {
        var deadStorage = storage.Azurite.ConnectionString.Replace(
            $":{storage.Azurite.QueuePort}/", $":{LocalInfra.FreePort.Next()}/", StringComparison.Ordinal);
        await using var app = await EchoApp.StartAsync(
            new Dictionary<string, string?> { ["EchoStorage"] = deadStorage },
            """{ "extensions": { "queues": { "maxPollingInterval": "00:00:00.500" } } }""",
            ("consume", EchoApp.QueueFunction("never")), ("ping", EchoApp.HttpFunction("ping", "get")));

        await Eventually.UntilAsync(
            () => app.Host.Log.Text.Contains("queue 'never' unreachable", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "the listener to log queue 'never' unreachable", TimeSpan.FromMilliseconds(100), () => app.Host.Log.Text);

        using var response = await app.Http.GetAsync(app.Url("/api/ping"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    // Azure/azure-sdk-for-net sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/Listeners/QueueListener.cs:
    // every message is received with a 10-minute lease (constructor, _visibilityTimeout), and ProcessMessageAsync runs
    // CreateUpdateMessageVisibilityTimer around the invocation: at half the lease UpdateQueueMessageVisibilityCommand
    // leases it again and the new pop receipt is kept (onUpdateReceipt) for the delete. Scaled: a 5 s lease, a 15 s
    // function. (With a 2 s lease the renewal due at 1 s came late once on a loaded 2-core CI machine and the message
    // reappeared: 2.5 s of margin instead of 1 s.)
    [Fact]
    public async Task A_message_stays_invisible_while_its_function_runs_past_the_lease_and_is_deleted_once()
    {
        var (app, queue, _) = await StartAsync(
            new Dictionary<string, string?> { ["ECHO_DELAY_MS"] = "15000" },
            """{ "extensions": { "queues": { "batchSize": 1, "newBatchThreshold": 1, "maxDequeueCount": 5, "visibilityTimeout": "00:00:00", "maxPollingInterval": "00:00:00.200" } } }""",
            TimeSpan.FromSeconds(5));
        await using var running = app;

        await queue.SendMessageAsync(Message);
        await app.WaitForInvocationsAsync(1);

        // Until the 15 s function (three 5 s leases) has succeeded and its message is gone: without renewal the message
        // reappears mid-run and is invoked again, or the stale receipt's delete fails and it stays.
        await app.WaitUntilAsync(() => app.Host.Log.Text.Contains("Executed 'Functions.consume' (Succeeded", StringComparison.Ordinal), "the function to succeed");
        await Eventually.UntilAsync(
            async () => (await queue.PeekMessagesAsync()).Value.Length, n => n == 0, TimeSpan.FromSeconds(30),
            "the message to be deleted", TimeSpan.FromMilliseconds(100), n => $"{n} visible message(s)", () => app.Host.Log.Text);

        Assert.Single(app.Invocations());
        Assert.Empty((await queue.PeekMessagesAsync()).Value);
        Assert.Contains("Executed 'Functions.consume' (Succeeded", app.Host.Log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("dispatch of message", app.Host.Log.Text, StringComparison.Ordinal);
    }
}
