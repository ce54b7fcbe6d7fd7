namespace PecLists.Uploader.Sources;

/// <summary>
/// What one page held: how many rows, and the next page's link when the walk looks for one (<see cref="NextLinkFound"/>
/// false: the page had no such member; null <see cref="NextLink"/>: it was JSON null).
/// </summary>
public sealed record JsonPage(long Rows, string? NextLink, bool NextLinkFound);
