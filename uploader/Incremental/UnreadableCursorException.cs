namespace PecLists.Uploader.Incremental;

/// <summary>The backend served an acknowledged cursor that is not a timestamp: nothing is read with it.</summary>
public sealed class UnreadableCursorException() : Exception("The acknowledged cursor is not a timestamp.");
