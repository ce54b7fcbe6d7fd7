using PecLists.Contracts;
using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Sources;

/// <summary>
/// Where a list's rows come from: today the site's PostgreSQL (<see cref="PostgresSource"/>). A source writes the
/// list as CSV text (header first, PostgreSQL's CSV: an empty unquoted field is NULL) into the <see cref="SpoolCsvWriter"/>
/// the pipeline gives it, which masks the list's masked columns and gzips into the spool: a source never sees the
/// spool's stream, so none can spool a value it was told to mask. It also says which of its own failures an
/// exception stands for, so the run pipeline reports it without knowing the source's kind.
/// </summary>
public interface ISnapshotSource
{
    /// <summary>Extracts <paramref name="list"/> as CSV text into <paramref name="output"/>.</summary>
    Task<ExtractResult> ExtractAsync(ListDefinitionDto list, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct);

    /// <summary>The source's failure <paramref name="ex"/> stands for, or null when it is not one of the source's own.</summary>
    SourceFailure? Classify(Exception ex);
}
