using System.Net;
using System.Text;
using Azure.Storage.Queues.Models;
using HostStandIn;
using PecLists.Functions.Hosting;
using PecLists.Functions.Loading;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using LocalInfra;

namespace PecLists.Functions.Tests.Loading;

/// <summary>Transient failures back off with growing delays before the host's retries and the poison queue take over.</summary>
[Collection(InfraCollection.Name)]
public sealed class TransientRetryTests(InfraFixture infra)
{
    [Fact]
    public void Delays_double_from_the_first_up_to_the_cap_with_bounded_jitter()
    {
        var options = new LoadOptions { TransientRetryFirstDelaySeconds = 30, TransientRetryMaxDelaySeconds = 1800 };
        var random = new Random(7);

        foreach (var (retry, nominal) in new[] { (0, 30.0), (1, 60.0), (2, 120.0), (5, 960.0), (6, 1800.0), (40, 1800.0) })
        {
            for (var i = 0; i < 200; i++)
            {
                var delay = TransientBackoff.Delay(retry, options, random).TotalSeconds;
                Assert.InRange(delay, nominal * 0.75, nominal * 1.25);
            }
        }
    }

    [Fact]
    public void The_default_budget_rides_out_about_two_and_a_half_hours()
    {
        var budget = TransientBackoff.Budget(new LoadOptions());

        // 0.5 + 1 + 2 + 4 + 8 + 16 + 30 × 4 minutes.
        Assert.Equal(TimeSpan.FromMinutes(151.5), budget);
    }

    [Fact]
    public async Task With_the_database_down_a_load_is_queued_again_later_until_its_retries_are_used_up()
    {
        var queueName = "q" + Guid.NewGuid().ToString("N")[..12];
        var port = FreePort.Next();
        await using var app = FunctionsApp.Build(
        [
            $"--urls=http://127.0.0.1:{port}", "--ConnectionStrings:Central=Host=127.0.0.1;Port=1;Timeout=2",
            $"--IngestStorage={infra.Azurite.ConnectionString}", $"--Ingest:Queue={queueName}", "--Load:TransientRetries=3",
        ]);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var queue = infra.Queues.GetQueueClient(queueName);
        await queue.CreateIfNotExistsAsync();
        var load = new LoadMessage(Guid.CreateVersion7(), "2611606", "hipertensos", "2611606/hipertensos/x.csv.gz", DateTimeOffset.UtcNow);

        async Task<HttpResponseMessage> InvokeAsync(LoadMessage message)
        {
            // Exactly the payload the host (and its stand-in) sends for a queue-triggered invocation.
            var payload = QueueInvocationPayload.Build(
                new QueueFunction("load", "msg", queueName, "IngestStorage", null),
                QueuesModelFactory.QueueMessage("id", "pop", message.ToJson(), 1, insertedOn: DateTimeOffset.UtcNow));
            return await http.PostAsync("/load", new StringContent(payload, Encoding.UTF8, "application/json"));
        }

        using var first = await InvokeAsync(load);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("retrying", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await queue.PeekMessagesAsync()).Value); // invisible: it comes back after the delay

        using var last = await InvokeAsync(load with { Retry = 3 });

        Assert.Equal(HttpStatusCode.InternalServerError, last.StatusCode); // the host's retries, then poison
        Assert.Contains("load-failed", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await app.StopAsync();
    }
}
