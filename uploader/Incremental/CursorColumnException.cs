namespace PecLists.Uploader.Incremental;

/// <summary>
/// An incremental list whose cursor column cannot order its rows (<see cref="CursorColumnProblem"/>). Its message names
/// the column and the problem, never a row's value. <see cref="NullRows"/> counts the NULLs for <see cref="CursorColumnProblem.Null"/>.
/// </summary>
public sealed class CursorColumnException(CursorColumnProblem problem, string column, long nullRows = 0)
    : Exception($"The cursor column \"{column}\" {problem}.")
{
    public CursorColumnProblem Problem { get; } = problem;

    public string Column { get; } = column;

    public long NullRows { get; } = nullRows;
}
