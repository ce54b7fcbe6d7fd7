namespace PecLists.Uploader.Sources;

/// <summary>An incremental list whose source cannot read part of a list (<see cref="IIncrementalSource"/>).</summary>
public sealed class NotIncrementalSourceException() : Exception("The list's source cannot read changes or key sets.");
