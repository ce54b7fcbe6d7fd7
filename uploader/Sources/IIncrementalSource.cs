using PecLists.Contracts;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Incremental;

namespace PecLists.Uploader.Sources;

/// <summary>
/// A source that can read part of a list (<see cref="SourceRead"/>): the changes since a cursor, or the key set. An
/// incremental list needs one; the site's PostgreSQL (<see cref="PostgresSource"/>) is one.
/// </summary>
public interface IIncrementalSource
{
    /// <summary>Extracts <paramref name="read"/> of <paramref name="list"/> as gzip CSV (header first) into <paramref name="destination"/>.</summary>
    Task<ExtractResult> ExtractAsync(ListDefinitionDto list, SourceRead read, Stream destination, Action<ExtractProgress>? progress, CancellationToken ct);
}
