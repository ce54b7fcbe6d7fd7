using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Incremental;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Sources;

/// <summary>
/// The run's one source: each list goes to the source of its kind (<see cref="SourceKinds.Of"/>: the site's PostgreSQL
/// or an HTTP API), and each source classifies its own failures. A kind this uploader does not know is refused
/// by name, never run as something else. An incremental read goes to the kind's source when it can read one
/// (<see cref="IIncrementalSource"/>), and is refused as <see cref="NotIncrementalSourceException"/> when it cannot.
/// </summary>
public sealed class SourcesByKind(IReadOnlyDictionary<string, ISnapshotSource> sources) : ISnapshotSource, IIncrementalSource, IDisposable
{
    /// <summary>The sources a run uses: the config's PostgreSQL and its HTTP settings and secrets.</summary>
    public static SourcesByKind For(UploaderConfig config) => new(new Dictionary<string, ISnapshotSource>
    {
        [SourceKinds.Postgres] = new PostgresSource(config.Database),

        // A page larger than memory waits in the spool's folder: the run's own disk, owner-only, under its free-space floor.
        // APIs are reached through upload.proxy, as the backend is: one proxy setting for everything the uploader sends out.
        [SourceKinds.Http] = new HttpJsonSource(config.Http ?? new HttpSourceConfig(), config.Secrets ?? [], config.SpoolDirectory, proxy: config.Upload.Proxy),
    });

    public Task<ExtractResult> ExtractAsync(ListDefinitionDto list, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        var kind = SourceKinds.Of(list);
        return sources.TryGetValue(kind, out var source)
            ? source.ExtractAsync(list, output, progress, ct)
            : throw new UnknownSourceKindException(kind);
    }

    public Task<ExtractResult> ExtractAsync(ListDefinitionDto list, SourceRead read, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        var kind = SourceKinds.Of(list);
        return !sources.TryGetValue(kind, out var source) ? throw new UnknownSourceKindException(kind)
            : source is IIncrementalSource incremental ? incremental.ExtractAsync(list, read, output, progress, ct)
            : throw new NotIncrementalSourceException();
    }

    public SourceFailure? Classify(Exception ex) => ex is UnknownSourceKindException unknown
        ? new SourceFailure(ExitCodes.DefinitionSignature, FailureCategories.DefinitionSignature, Localized.Text(
            $"the list reads a source of kind '{unknown.Kind}', which this uploader does not know; update the uploader",
            $"a lista lê uma fonte do tipo '{unknown.Kind}', que este uploader não conhece; atualize o uploader"))
        : sources.Values.Select(s => s.Classify(ex)).FirstOrDefault(f => f is not null);

    public void Dispose()
    {
        foreach (var source in sources.Values.OfType<IDisposable>())
        {
            source.Dispose();
        }
    }
}
