using PecLists.Contracts;
using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Sources;

/// <summary>
/// Where a list's rows come from: today the site's PostgreSQL (<see cref="PostgresSource"/>). A source writes the
/// list as gzip CSV (header first) into the spool's stream, and says which of its own failures an exception stands
/// for, so the run pipeline reports it without knowing the source's kind.
/// </summary>
public interface ISnapshotSource
{
    /// <summary>Extracts <paramref name="list"/> as gzip CSV into <paramref name="destination"/>.</summary>
    Task<ExtractResult> ExtractAsync(ListDefinitionDto list, Stream destination, Action<ExtractProgress>? progress, CancellationToken ct);

    /// <summary>The source's failure <paramref name="ex"/> stands for, or null when it is not one of the source's own.</summary>
    SourceFailure? Classify(Exception ex);
}
