namespace Bench;

/// <summary>
/// One measured day of the nation benchmark: how the deliveries arrived, the probe idle and during, until all were
/// accepted and loaded, the central WAL (on the next day also the part whose first block is in a list table or its index), the bytes stored in Blob, the list tables' size on disk after it (heap, indexes, TOAST), what the snapshots say they wrote, the loader's
/// cost per snapshot and per row (least squares over every snapshot's load time against its rows), and the reconciliation.
/// </summary>
public sealed record NationDay(
    string Arrival,
    int Day,
    ProbeStats Idle,
    ProbeStats Stats,
    double Seconds,
    double AcceptedSeconds,
    long WalBytes,
    long ListTableWalBytes,
    long BlobBytes,
    int Snapshots,
    long Rows,
    long RowsWritten,
    long ChangedRows,
    double LoadSecondsTotal,
    double SecondsPerSnapshot,
    double SecondsPerRow,
    int Refusals,
    long ListTableBytes,
    bool Reconciled,
    string Reconciliation);
