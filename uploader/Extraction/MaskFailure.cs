namespace PecLists.Uploader.Extraction;

/// <summary>Why a list's masks could not be applied (<see cref="MaskingException"/>); nothing of the list is spooled.</summary>
public enum MaskFailure
{
    /// <summary>The list hashes a column and the config holds no <c>maskingKey</c>.</summary>
    NoKey,

    /// <summary>A masked column is not among the columns the source produced (its CSV header).</summary>
    ColumnMissing,

    /// <summary>A value of a column masked by <c>truncate</c> is not a date, a timestamp or a time of day.</summary>
    NotADate,
}
