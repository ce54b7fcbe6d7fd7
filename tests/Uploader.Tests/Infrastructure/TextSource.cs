using PecLists.Contracts;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests;

/// <summary>A source that writes fixed CSV per list; a list it has no text for fails with <see cref="Failure"/>.</summary>
public sealed class TextSource(IReadOnlyDictionary<string, string> texts) : ISnapshotSource
{
    public SourceFailure? Failure { get; init; }

    public Exception? Unclaimed { get; init; }

    public async Task<ExtractResult> ExtractAsync(ListDefinitionDto list, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        if (Unclaimed is not null)
        {
            throw Unclaimed;
        }

        if (!texts.TryGetValue(list.Name, out var text))
        {
            throw new TimeoutException("the source's own failure");
        }

        await output.Writer.WriteAsync(text.AsMemory(), ct);
        await output.CompleteAsync();
        return new ExtractResult(text.Count(c => c == '\n') - 1, text.Length, output.CompressedBytes, TimeSpan.Zero);
    }

    public SourceFailure? Classify(Exception ex) => ex is TimeoutException ? Failure : null;
}

public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
