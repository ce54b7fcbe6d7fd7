namespace PecLists.Uploader.Sources;

/// <summary>
/// An HTTP list that could not be extracted, already said for the operator: its failure category, exit code and a
/// reason in their language (<see cref="HttpSourceErrors"/>). The reason names the list, the page, the column and the
/// field path, or the secret's name, and never quotes a row's values or a secret's value.
/// </summary>
public sealed class HttpSourceException(string category, int exitCode, string reason, Exception? inner = null)
    : Exception(reason, inner)
{
    public string Category { get; } = category;

    public int ExitCode { get; } = exitCode;

    public SourceFailure Failure => new(ExitCode, Category, Message);
}
