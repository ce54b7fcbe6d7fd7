using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// <c>extract</c>'s work: one list from its source to a local gzip CSV by the path run spools it
/// (<see cref="SnapshotExtraction"/>: the list's masks with the config's key, then gzip), into a file only the running
/// account can read (the rows are personal data). A list that fails, because a value could not be masked or the source
/// failed, leaves no file behind: neither a value that failed to mask nor a half-written list is taken for a whole one.
/// </summary>
public static class FileExtraction
{
    public static async Task<FileExtractionOutcome> ToFileAsync(
        ISnapshotSource source, ListDefinitionDto list, MaskingKey? maskingKey, string output, CompressionLevel level, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        var created = false;
        try
        {
            // Built before the file exists: a list that hashes without the site's key writes nothing at all.
            using var masks = ListMasks.For(list, maskingKey);
            await using var file = new FileStream(output, OwnerOnly.NewFile(FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous));
            created = true;
            return new FileExtractionOutcome(await SnapshotExtraction.ExtractAsync(source, list, masks, file, level, progress, ct), null, null);
        }
        catch (MaskingException ex)
        {
            DeleteIf(created, output);
            return new FileExtractionOutcome(null, ex, null);
        }
        catch (Exception ex) when (source.Classify(ex) is { } failure)
        {
            DeleteIf(created, output);
            return new FileExtractionOutcome(null, null, failure);
        }
    }

    private static void DeleteIf(bool created, string output)
    {
        if (created)
        {
            File.Delete(output); // the stream is closed by now: the using above ended before the catch
        }
    }
}
