namespace PecLists.Functions.Loading;

/// <summary>Milliseconds a load spent copying the snapshot in, finding the differences and writing them.</summary>
public sealed record LoadPhases(long CopyMs, long DiffMs, long WriteMs);
