namespace Bench;

/// <summary>One measured run of the usuarios benchmark: one uploader run of one list until its deliveries are loaded.</summary>
public sealed record MirrorResult(
    string Name, double RunSeconds, double LoadedSeconds, long BytesSent, long WalBytes, long RowsWritten, long Inserted, long Updated, long Deleted, string Deliveries);
