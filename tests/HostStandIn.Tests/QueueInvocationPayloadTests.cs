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
}
