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
    /// <summary>Extracts <paramref name="read"/> of <paramref name="list"/> as CSV text (header first) into <paramref name="output"/>, which masks and gzips.</summary>
    Task<ExtractResult> ExtractAsync(ListDefinitionDto list, SourceRead read, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct);
}
