namespace PecLists.Contracts;

/// <summary>
/// The backend's acknowledged cursor of one incremental list for the calling site (GET <see cref="ApiRoutes.ListCursor"/>):
/// the <c>X-Cursor</c> of the latest delivery it loaded, with that snapshot and when; all null when nothing was loaded
/// (the next run is then a whole snapshot). <c>KeySetAt</c> is when the latest key set was loaded. The uploader moves
/// its own cursor only to what this says (docs/adr/0022-list-definitions-beyond-one-query.md).
/// </summary>
public sealed record ListCursorDto(string List, string? Cursor, Guid? SnapshotId, DateTimeOffset? LoadedAt, DateTimeOffset? KeySetAt);
