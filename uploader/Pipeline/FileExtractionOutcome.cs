using PecLists.Uploader.Extraction;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// How a <see cref="FileExtraction"/> ended: the sizes of the list written, or why nothing was kept: a value that could
/// not be masked (<paramref name="NotMasked"/>) or the source's own failure (<paramref name="Failed"/>).
/// </summary>
public sealed record FileExtractionOutcome(ExtractResult? Extracted, MaskingException? NotMasked, SourceFailure? Failed)
{
    /// <summary>The exit code run gives the same failure: 0 when the list was written.</summary>
    public int ExitCode => NotMasked is { } masking ? ExitCodes.For(masking.Category) : Failed?.ExitCode ?? ExitCodes.Ok;
}
