namespace PecLists.Uploader.Extraction;

/// <summary>The SQL given to the extractor is not one statement (<see cref="PecLists.Contracts.SqlStatement"/>): it was not run.</summary>
public sealed class NotOneStatementException() : Exception("The SQL is not one statement: it was not run.");
