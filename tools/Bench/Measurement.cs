namespace Bench;

/// <summary>One timed step: wall time, central WAL bytes, and how much of that WAL was full-page images.</summary>
public sealed record Measurement(double Seconds, long WalBytes, long FullPageImageBytes);
