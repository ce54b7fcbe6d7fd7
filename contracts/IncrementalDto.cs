using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>
/// An incremental list's cursor (<see cref="LoadModes.Incremental"/>): the source reads rows whose
/// <c>CursorColumn</c> is later than the last acknowledged cursor minus <c>LookbackSeconds</c> (rows committed late with
/// an older value are read again; the key makes that idempotent). A row whose <c>SoftDeleteColumn</c> is not NULL is
/// removed centrally; every <c>KeySetEveryHours</c> the uploader sends the source's whole key set, and central rows whose
/// key is gone are removed (hard deletes at the source).
/// </summary>
public sealed record IncrementalDto(
    string CursorColumn,
    int LookbackSeconds = 300,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SoftDeleteColumn = null,
    int KeySetEveryHours = 24);
