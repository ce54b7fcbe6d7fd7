namespace PecLists.Functions.Operations;

/// <summary>
/// What a replay did: its source ("poison" or "blobs"), whether it was a dry run, and each snapshot it matched.
/// <c>Complete</c> is false when a poison pass stopped early to stay within its lease: run it again for the rest.
/// </summary>
public sealed record ReplayReport(string Source, bool DryRun, int Replayed, IReadOnlyList<ReplayItem> Items, bool Complete = true);
