namespace PecLists.Functions.Lists;

/// <summary>One published version of a list definition, as the history shows it.</summary>
public sealed record ListVersion(string Name, int Version, bool Active, DateTime CreatedAt, DateTime? ActivatedAt);
