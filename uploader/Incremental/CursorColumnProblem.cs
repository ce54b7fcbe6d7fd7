namespace PecLists.Uploader.Incremental;

/// <summary>Why an incremental list's cursor column cannot order its rows.</summary>
public enum CursorColumnProblem
{
    /// <summary>The list's rows have no column of that name.</summary>
    Missing,

    /// <summary>A value is not a date or timestamp (text, 'infinity', a BC date).</summary>
    NotATimestamp,

    /// <summary>Some rows have no cursor value: a changes read could never see their changes.</summary>
    Null,
}
