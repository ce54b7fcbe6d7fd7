using System.Diagnostics.Metrics;
using PecLists.Contracts;

namespace PecLists.Functions.Telemetry;

/// <summary>
/// The pipeline's metrics (<see cref="TelemetryNames.Metrics"/>), tagged by list and never by anything personal. Made by
/// the host's IMeterFactory so tests can read them with a MetricCollector or an in-memory exporter.
/// </summary>
public sealed class PipelineMetrics
{
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _loadDuration;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _ingestBytes;
    private readonly UpDownCounter<long> _concurrentLoads;
    private readonly Gauge<long> _poisonLength;
    private readonly Gauge<long> _loadQueueLength;
    private readonly Gauge<long> _silentSites;
    private readonly Gauge<long> _heldSnapshots;

    public PipelineMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(TelemetryNames.Meter);
        _queueWait = meter.CreateHistogram<double>(TelemetryNames.QueueWait, "s", "From accepted to its load starting, per load.");
        _loadDuration = meter.CreateHistogram<double>(TelemetryNames.LoadDuration, "s", "Time a load spent per phase (copy, diff, write) and in total.");
        _rows = meter.CreateCounter<long>(TelemetryNames.Rows, "{row}", "Rows a load inserted, updated, deleted or found unchanged.");
        _ingestBytes = meter.CreateCounter<long>(TelemetryNames.IngestBytes, "By", "Compressed bytes of accepted snapshots.");
        _concurrentLoads = meter.CreateUpDownCounter<long>(TelemetryNames.ConcurrentLoads, "{load}", "Loads holding a load slot on this instance.");
        _poisonLength = meter.CreateGauge<long>(TelemetryNames.PoisonQueueLength, "{message}", "Messages in the load queue's poison queue.");
        _loadQueueLength = meter.CreateGauge<long>(TelemetryNames.LoadQueueLength, "{message}", "Messages waiting in the load queue.");
        _silentSites = meter.CreateGauge<long>(TelemetryNames.SilentSites, "{site}", "Sites with no heartbeat within their period plus grace.");
        _heldSnapshots = meter.CreateGauge<long>(TelemetryNames.HeldSnapshots, "{snapshot}", "Snapshots held by the deletion guard, waiting for an operator.");
    }

    public void Received(string list, long bytes) => _ingestBytes.Add(bytes, List(list));

    /// <summary>A load that applied a delivery: its phases by list, its rows by list, change and delivery kind (<see cref="DeliveryKinds"/>).</summary>
    public void Loaded(string list, string delivery, TimeSpan queueWait, double copySeconds, double diffSeconds, double writeSeconds, SnapshotRowCounts rows)
    {
        var tag = List(list);
        var kind = new KeyValuePair<string, object?>("delivery", delivery);
        _queueWait.Record(Math.Max(0, queueWait.TotalSeconds), tag);
        _loadDuration.Record(copySeconds, tag, new("phase", "copy"));
        _loadDuration.Record(diffSeconds, tag, new("phase", "diff"));
        _loadDuration.Record(writeSeconds, tag, new("phase", "write"));
        _loadDuration.Record(copySeconds + diffSeconds + writeSeconds, tag, new("phase", "total"));
        _rows.Add(rows.Inserted, tag, new("change", "inserted"), kind);
        _rows.Add(rows.Updated, tag, new("change", "updated"), kind);
        _rows.Add(rows.Deleted, tag, new("change", "deleted"), kind);
        _rows.Add(rows.Unchanged, tag, new("change", "unchanged"), kind);
    }

    public void LoadStarted() => _concurrentLoads.Add(1);

    public void LoadEnded() => _concurrentLoads.Add(-1);

    public void QueueLengths(long load, long poison)
    {
        _loadQueueLength.Record(load);
        _poisonLength.Record(poison);
    }

    public void Fleet(long silentSites, long heldSnapshots)
    {
        _silentSites.Record(silentSites);
        _heldSnapshots.Record(heldSnapshots);
    }

    private static KeyValuePair<string, object?> List(string list) => new("list", list);
}
