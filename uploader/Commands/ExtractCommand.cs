using System.Diagnostics;
using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Output;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Commands;

/// <summary>
/// Extracts one query to a local gzip file exactly as <c>run</c> would, without sending it: lets an IT person check
/// a list against their database, and is what the extraction benchmark measures.
/// </summary>
public static class ExtractCommand
{
    public static CompressionLevel ParseLevel(string? level) => level?.ToLowerInvariant() switch
    {
        null => ListExtractor.DefaultCompression,
        "fastest" => CompressionLevel.Fastest,
        "optimal" => CompressionLevel.Optimal,
        "smallest" => CompressionLevel.SmallestSize,
        "none" => CompressionLevel.NoCompression,
        _ => throw new ConfigException(Localized.Text(
            $"Unknown compression level '{level}': use fastest, optimal, smallest or none.",
            $"Nível de compressão desconhecido '{level}': use fastest, optimal, smallest ou none.")),
    };

    public static async Task<int> ExecuteAsync(UploaderConfig config, string sqlFile, string output, CompressionLevel level, TextWriter log, TextWriter errors, CancellationToken ct, TerminalProgress? progress = null)
    {
        var sql = (await File.ReadAllTextAsync(sqlFile, ct)).Trim().TrimEnd(';');
        var query = new ListDefinitionDto(Path.GetFileNameWithoutExtension(sqlFile), 0, sql, [], []);
        var source = new PostgresSource(config.Database, level);
        var clock = Stopwatch.StartNew();
        ExtractResult result;
        try
        {
            // The rows are personal data: the file is the running account's only (0600), whatever the umask.
            await using var file = new FileStream(output, OwnerOnly.NewFile(FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous));
            progress?.Start();
            result = await source.ExtractAsync(query, file, progress is null ? null : p => progress.Extracting(Path.GetFileName(output), p), ct);
        }
        catch (Exception ex) when (source.Classify(ex) is { } failure)
        {
            progress?.Clear();
            await errors.WriteLineAsync(Localized.Text($"could not extract {sqlFile}: {failure.Reason}", $"não foi possível extrair {sqlFile}: {failure.Reason}"));
            return failure.ExitCode;
        }

        progress?.Clear();
        var seconds = clock.Elapsed.TotalSeconds;
        log.WriteLine(Localized.Format(
            $"extracted {result.Rows} rows, {result.CsvChars} CSV characters to {result.CompressedBytes} bytes ({level}) in {seconds:F2}s: {result.CsvChars / 1e6 / seconds:F1} MB/s of CSV",
            $"extraídas {result.Rows} linhas, {result.CsvChars} caracteres de CSV em {result.CompressedBytes} bytes ({level}) em {seconds:F2}s: {result.CsvChars / 1e6 / seconds:F1} MB/s de CSV"));
        return ExitCodes.Ok;
    }
}
