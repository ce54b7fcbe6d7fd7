using PecLists.Contracts;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// A list's masks could not be applied to its rows: the extraction stops and nothing of it is spooled (a value that
/// cannot be masked is never sent clear). Names the column and the reason, never the value.
/// </summary>
public sealed class MaskingException(string column, MaskFailure failure)
    : Exception($"column {column}: {failure}")
{
    public string Column { get; } = column;

    public MaskFailure Failure { get; } = failure;

    /// <summary>
    /// The failure category (contracts' <see cref="FailureCategories"/>) for run and extract alike: a missing masking key
    /// is the site's config to fix; a masked column missing or not a date is the list's schema.
    /// </summary>
    public string Category => Failure == MaskFailure.NoKey ? FailureCategories.Config : FailureCategories.SourceSchema;
}
