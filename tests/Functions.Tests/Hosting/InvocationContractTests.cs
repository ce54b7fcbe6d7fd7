using System.Text.Json;
using Azure.Storage.Queues.Models;
using HostStandIn;
using PecLists.Functions.Http;
using PecLists.Functions.Storage;
using PecLists.Functions.Loading;

namespace PecLists.Functions.Tests.Hosting;

/// <summary>
/// The handler reads a queue invocation in the form the real host sends (built here by the stand-in's copy of the
/// host's rules: message text as a JSON string of a JSON string, DequeueCount as "5") and in the documented sample form.
/// </summary>
public sealed class InvocationContractTests
{
    private static readonly LoadMessage Load = new(Guid.CreateVersion7(), "2611606", "hipertensos", "2611606/hipertensos/x.csv.gz", DateTimeOffset.Parse("2026-11-26T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static InvocationRequest Parse(string json) => JsonSerializer.Deserialize<InvocationRequest>(json)!;

    [Fact]
    public void The_hosts_payload_yields_the_message_and_the_dequeue_count()
    {
        var message = QueuesModelFactory.QueueMessage("id", "pop", Load.ToJson(), 5, insertedOn: DateTimeOffset.UtcNow);
        var payload = QueueInvocationPayload.Build(new QueueFunction("load", "msg", "snapshot-loads", "IngestStorage", null), message);

        var request = Parse(payload);

        Assert.Equal(Load, LoadMessage.TryParse(request.TriggerText("msg")));
        Assert.Equal(5, request.DequeueCount);
    }

    [Fact]
    public void The_documented_sample_form_is_read_too()
    {
        var payload = JsonSerializer.Serialize(new
        {
            Data = new Dictionary<string, object> { ["msg"] = Load.ToJson() },
            Metadata = new Dictionary<string, object> { ["DequeueCount"] = 2, ["Id"] = "x", ["RetryContext"] = new { RetryCount = 1, MaxRetryCount = 3 } },
        });

        var request = Parse(payload);

        Assert.Equal(Load, LoadMessage.TryParse(request.TriggerText("msg")));
        Assert.Equal(2, request.DequeueCount);
    }

    [Fact]
    public void A_message_sent_as_a_JSON_object_is_read_as_its_text()
    {
        var request = Parse("{\"Data\":{\"msg\":" + Load.ToJson() + "},\"Metadata\":{}}");

        Assert.Equal(Load, LoadMessage.TryParse(request.TriggerText("msg")));
        Assert.Equal(1, request.DequeueCount);
    }

    [Theory]
    [InlineData("""{"Data":{},"Metadata":{}}""")]
    [InlineData("""{"Data":{"other":"x"},"Metadata":{}}""")]
    [InlineData("""{"Data":{"msg":null},"Metadata":{}}""")]
    [InlineData("""{"Data":{"msg":"\"not a load message\""},"Metadata":{"DequeueCount":"x"}}""")]
    public void Anything_else_is_not_a_load_message(string payload)
    {
        var request = Parse(payload);

        Assert.Null(LoadMessage.TryParse(request.TriggerText("msg")));
        Assert.Equal(1, request.DequeueCount);
    }
}
