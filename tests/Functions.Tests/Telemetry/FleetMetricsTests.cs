using System.Net;
using System.Text.Json;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using PecLists.Functions.Tests.Infrastructure;
using PecLists.Functions.Loading;

namespace PecLists.Functions.Tests.Telemetry;

/// <summary>
/// The fleet-metrics timer function records what no event can carry: the poison queue's length (storage has no
/// per-queue metric), the load queue's, and from PostgreSQL the silent sites (never-reporting ones included) and held
/// snapshots, which the alert rules read.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class FleetMetricsTests(InfraFixture infra)
{
    [Fact]
    public async Task The_timer_records_queue_lengths_silent_sites_and_held_snapshots_as_metrics()
    {
        var queue = $"q{Guid.NewGuid():N}"[..30];
        var capture = new TelemetryCapture();
        await using var app = await InProcessApp.StartWithDispatcherAsync(infra, capture.AddTo, $"--Ingest:Queue={queue}",
            "--AzureFunctionsJobHost:extensions:queues:maxPollingInterval=00:10:00");
        var poison = infra.Queues.GetQueueClient(LoadQueue.PoisonNameOf(queue));
        await poison.CreateAsync();
        await poison.SendMessageAsync("{}");
        await poison.SendMessageAsync("{}");
        await infra.NewSiteAsync(); // registered, never reported: silent

        using var response = await app.Http.PostAsync("/fleet-metrics", new StringContent("""{"Data":{},"Metadata":{}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var outputs = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, outputs.RootElement.GetProperty("Outputs").GetProperty("poisonQueue").GetInt64());
        TelemetryCapture.Flush(app.App.Services);
        Assert.Equal(2, capture.Sum(TelemetryNames.PoisonQueueLength));
        Assert.Equal(0, capture.Sum(TelemetryNames.LoadQueueLength));
        Assert.True(capture.Sum(TelemetryNames.SilentSites) >= 1);
        Assert.Contains(capture.Metrics, m => m.Name == TelemetryNames.HeldSnapshots);
    }
}
