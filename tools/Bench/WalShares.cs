namespace Bench;

/// <summary>A stretch of WAL broken down (markdown), with the bytes on the list tables and on the legacy push's tables.</summary>
public sealed record WalShares(string Text, long ListBytes, long LegacyBytes);
