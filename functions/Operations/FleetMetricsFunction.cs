using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Loading;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Operations;

/// <summary>
/// POST /fleet-metrics: the timer-triggered "fleet-metrics" function (every 5 minutes). Storage's queue metrics have no
/// per-queue dimension, so the poison queue's length is read here and recorded as a metric (pec.queue.poison_length),
/// with the load queue's, the count of silent sites (machine-off: the dead-man's switch) and of held snapshots, for the
/// workbook and the alerts. Read from PostgreSQL, the system of record, so a site that never reported counts too.
/// </summary>
public static class FleetMetricsFunction
{
    public const string Name = "fleet-metrics";

    public static IEndpointRouteBuilder MapFleetMetricsFunction(this IEndpointRouteBuilder app)
    {
        app.MapHostFunction(Name,
            (LoadQueue queue, SnapshotLedger ledger, IOptions<FleetOptions> fleet, TimeProvider time, PipelineMetrics metrics, ILoggerFactory loggers, CancellationToken ct) =>
                InvokeAsync(queue, ledger, fleet.Value, time, metrics, loggers.CreateLogger(typeof(FleetMetricsFunction)), ct));
        return app;
    }

    public static async Task<IResult> InvokeAsync(LoadQueue queue, SnapshotLedger ledger, FleetOptions fleet, TimeProvider time, PipelineMetrics metrics, ILogger logger, CancellationToken ct)
    {
        var (load, poison) = await queue.LengthsAsync(ct);
        var sites = await ledger.ReadFleetAsync(fleet, time.GetUtcNow(), ct);
        var silent = sites.Count(s => s.Category == FailureCategories.MachineOff);
        var held = sites.Sum(s => s.HeldSnapshots);
        metrics.QueueLengths(load, poison);
        metrics.Fleet(silent, held);
        logger.FleetMetricsRead(load, poison, silent, held);
        return TypedResults.Ok(new InvocationResponse(
            new Dictionary<string, object?> { ["loadQueue"] = load, ["poisonQueue"] = poison, ["silentSites"] = silent, ["heldSnapshots"] = held },
            [$"load queue {load}, poison queue {poison}, silent sites {silent}, held snapshots {held}"],
            "measured"));
    }
}
