namespace PecLists.Functions.Operations;

/// <summary>
/// What one retention run deleted, per table (and held-snapshot blob copies no held snapshot needed), and whether rows
/// older than the retention were left for the next run.
/// </summary>
public sealed record RetentionReport(long Heartbeats, long Snapshots, long Audit, bool More)
{
    public long HeldCopies { get; init; }

    public override string ToString() => $"heartbeats={Heartbeats} snapshots={Snapshots} audit={Audit} heldCopies={HeldCopies} more={More}";
}
