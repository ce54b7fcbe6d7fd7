using System.Text.Json;
using Azure.Storage.Queues.Models;

namespace HostStandIn.Tests;

/// <summary>The payload builder alone (no queue): the host's value conversions, rule by rule.</summary>
public sealed class QueueInvocationPayloadTests
{
    private static QueueMessage Message(string text, long dequeueCount = 3) =>
        QueuesModelFactory.QueueMessage("id-1", "pop-1", text, dequeueCount,
            nextVisibleOn: DateTimeOffset.UtcNow.AddSeconds(30), insertedOn: DateTimeOffset.UtcNow, expiresOn: DateTimeOffset.UtcNow.AddDays(7));

    private static JsonElement Build(QueueMessage message, string? dataType = null) =>
        JsonDocument.Parse(QueueInvocationPayload.Build(new QueueFunction("load", "msg", "q", "c", dataType), message)).RootElement;

    [Fact]
    public void Numbers_become_JSON_strings_and_strings_become_quoted_JSON_strings()
    {
        var payload = Build(Message("plain text", dequeueCount: 5));

        Assert.Equal("5", payload.GetProperty("Metadata").GetProperty("DequeueCount").GetString());
        Assert.Equal("\"id-1\"", payload.GetProperty("Metadata").GetProperty("Id").GetString());
        Assert.Equal("\"pop-1\"", payload.GetProperty("Metadata").GetProperty("PopReceipt").GetString());
        Assert.Equal("\"plain text\"", payload.GetProperty("Data").GetProperty("msg").GetString());
    }

    [Fact]
    public void A_binary_data_type_sends_the_bytes_as_base64()
    {
        var payload = Build(Message("abc"), dataType: "binary");

        Assert.Equal(Convert.ToBase64String("abc"u8.ToArray()), payload.GetProperty("Data").GetProperty("msg").GetString());
    }

    [Fact]
    public void Keys_ending_in_trigger_and_null_values_are_left_out()
    {
        var message = QueuesModelFactory.QueueMessage("id-1", "pop-1", "x", 1);
        var metadata = Build(message).GetProperty("Metadata");

        Assert.False(metadata.TryGetProperty("QueueTrigger", out _));
        Assert.False(metadata.TryGetProperty("ExpirationTime", out _));
        Assert.Equal(JsonValueKind.Object, metadata.GetProperty("sys").ValueKind);
        Assert.True(metadata.GetProperty("sys").TryGetProperty("RandGuid", out _));
    }

    // Utility.ApplyBindingData (through WorkerFunctionInvoker.TransformInput): the message's top-level JSON properties
    // join the metadata, then go through GetHttpScriptInvocationContextValue like every other value.
    [Fact]
    public void A_JSON_object_message_adds_its_top_level_properties_to_the_metadata()
    {
        var metadata = Build(Message("""{"snapshotId":"abc","retry":2,"ok":true,"nested":{"a":1},"items":[1],"none":null,"Id":"mine"}""")).GetProperty("Metadata");

        Assert.Equal("\"abc\"", metadata.GetProperty("snapshotId").GetString());
        Assert.Equal("\"2\"", metadata.GetProperty("retry").GetString());
        Assert.Equal("\"True\"", metadata.GetProperty("ok").GetString());
        Assert.Equal(1, metadata.GetProperty("nested").GetProperty("a").GetInt32());
        Assert.False(metadata.TryGetProperty("items", out _));
        Assert.False(metadata.TryGetProperty("none", out _));
        Assert.Equal("\"mine\"", metadata.GetProperty("Id").GetString()); // the message wins over the trigger's own key
    }

    [Theory]
    [InlineData("plain text", null)]
    [InlineData("[1,2]", null)]
    [InlineData("{not json", null)]
    [InlineData("""{"site":"1"}""", "binary")]
    public void Other_messages_add_nothing(string text, string? dataType)
    {
        var names = Build(Message(text), dataType).GetProperty("Metadata").EnumerateObject().Select(p => p.Name);

        Assert.Equal(["DequeueCount", "ExpirationTime", "Id", "InsertionTime", "NextVisibleTime", "PopReceipt", "sys"], names);
    }
}
