namespace PecLists.Functions.Data;

/// <summary>What a migration run did: the scripts it applied (or meant to), or why it stopped.</summary>
public sealed record MigrationOutcome(bool Succeeded, IReadOnlyList<string> Applied, string? Error);
