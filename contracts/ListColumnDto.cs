namespace PecLists.Contracts;

/// <summary>
/// One column of a list. <c>Compare</c> false marks a value computed at extraction time (<c>now()</c>, an age, the
/// current period): it is stored, but never makes a row count as changed (docs/design.md §5).
/// </summary>
public sealed record ListColumnDto(string Name, string Type, bool Compare = true);
