using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// The one path from a source to a spool file, for <c>run</c> and <c>extract</c> alike: the source writes CSV text
/// into a <see cref="SpoolCsvWriter"/>, which applies the list's masks (when it has any) and gzips; only then do bytes
/// reach the file. The compressed size is the writer's, counted after the gzip trailer.
/// </summary>
public static class SnapshotExtraction
{
    public static async Task<ExtractResult> ExtractAsync(
        ISnapshotSource source, ListDefinitionDto list, ListMasks? masks, Stream file, CompressionLevel level, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        await using var output = SpoolCsvWriter.Open(file, level, masks);
        var extracted = await source.ExtractAsync(list, output, progress, ct);
        await output.CompleteAsync();
        return extracted with { CompressedBytes = output.CompressedBytes };
    }
}
