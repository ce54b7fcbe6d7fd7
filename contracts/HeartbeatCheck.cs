namespace PecLists.Contracts;

/// <summary>One doctor check: a stable name, whether it passed, and a stable error code when it did not.</summary>
public sealed record HeartbeatCheck(string Name, bool Ok, string? Code = null);
