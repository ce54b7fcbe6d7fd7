namespace PecLists.Functions.Operations;

/// <summary>What a replay did: its source ("poison" or "blobs"), whether it was a dry run, and each snapshot it matched.</summary>
public sealed record ReplayReport(string Source, bool DryRun, int Replayed, IReadOnlyList<ReplayItem> Items);
