namespace PecLists.Contracts;

/// <summary>
/// Central SQL published with a list: the backend creates the view <c>lists.&lt;Name&gt;</c> from <c>Sql</c> (one
/// SELECT over the list's table, <c>lists.&lt;list&gt;</c>) when the definition is published, and replaces it on a new version.
/// </summary>
public sealed record DerivedViewDto(string Name, string Sql);
