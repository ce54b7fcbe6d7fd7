using LocalInfra;
using PecLists.Contracts;

namespace Demo;

/// <summary>
/// Feeds a round's <see cref="ProgressTable"/> from the central database: each snapshot of the round (one not seen
/// before the round began) sets its site's and list's cell, polled until stopped.
/// </summary>
public sealed class SnapshotProgress
{
    private readonly LocalPipeline _pipeline;
    private readonly ProgressTable _table;
    private readonly HashSet<Guid> _earlier;

    private SnapshotProgress(LocalPipeline pipeline, ProgressTable table, HashSet<Guid> earlier)
    {
        _pipeline = pipeline;
        _table = table;
        _earlier = earlier;
    }

    /// <summary>Starts watching: snapshots received so far belong to earlier rounds.</summary>
    public static async Task<SnapshotProgress> StartAsync(LocalPipeline pipeline, ProgressTable table)
    {
        var earlier = (await pipeline.SnapshotsAsync()).Select(s => s.SnapshotId).ToHashSet();
        table.Show();
        return new SnapshotProgress(pipeline, table, earlier);
    }

    /// <summary>What a cell says of a snapshot: its status, and for a loaded one the rows it wrote (inserted + updated + deleted).</summary>
    public static string CellState(SnapshotRow row) => row.Status switch
    {
        SnapshotStatuses.Received or SnapshotStatuses.Queued => SnapshotStatuses.Queued,
        SnapshotStatuses.Loaded => $"loaded +{(row.Inserted ?? 0) + (row.Updated ?? 0) + (row.Deleted ?? 0)}",
        _ => row.Status,
    };

    /// <summary>Reads the snapshots once and updates the table.</summary>
    public async Task PollAsync(CancellationToken ct = default)
    {
        foreach (var row in await _pipeline.SnapshotsAsync(ct))
        {
            if (!_earlier.Contains(row.SnapshotId))
            {
                _table.Set(row.Site, row.List, CellState(row));
            }
        }
    }

    /// <summary>Polls every half second until <paramref name="ct"/> is cancelled, then once more.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await PollAsync(ct);
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
        }

        await PollAsync(CancellationToken.None);
    }
}
