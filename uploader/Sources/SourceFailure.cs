namespace PecLists.Uploader.Sources;

/// <summary>
/// A list its source could not extract: the exit code and failure category (contracts' FailureCategories) it stands
/// for, and a reason for the log in the operator's language that never quotes row data.
/// </summary>
public sealed record SourceFailure(int ExitCode, string Category, string Reason);
