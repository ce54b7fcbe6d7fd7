using System.Diagnostics;
using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Output;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Sources;

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

    /// <summary>"column=kind[:unit|digits]" options as the columns of a list definition with those masks.</summary>
    public static IReadOnlyList<ListColumnDto> ParseMasks(IEnumerable<string> options) => [.. options.Select(ParseMask)];

    /// <summary>
    /// Extracts the list definition in <paramref name="definitionFile"/> (any source kind: the site's PostgreSQL or an
    /// HTTP API, with the config's secrets; <c>{ibge}</c> is the config's first site) to a local gzip CSV, as <c>run</c> would:
    /// with the definition's masks and the config's masking key, so a local extract never holds in clear what the list masks.
    /// </summary>
    public static async Task<int> ExecuteDefinitionAsync(
        UploaderConfig config, string definitionFile, string output, CompressionLevel level, TextWriter log, TextWriter errors, CancellationToken ct, TerminalProgress? progress = null)
    {
        var list = SiteBinding.ForSite(DefinitionFile.Read(definitionFile), config.Sites[0].Ibge);
        using var source = SourcesByKind.For(config);
        var clock = Stopwatch.StartNew();
        var outcome = await ExtractAsync(source, list, config, output, level, progress, ct);
        if (outcome.Extracted is not { } result)
        {
            await errors.WriteLineAsync(Failure(outcome, list.Name, list.Name));
            return outcome.ExitCode;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        log.WriteLine(Localized.Format(
            $"extracted {result.Rows} rows, {result.CsvChars} CSV characters to {result.CompressedBytes} bytes ({level}) in {seconds:F2}s",
            $"extraídas {result.Rows} linhas, {result.CsvChars} caracteres de CSV em {result.CompressedBytes} bytes ({level}) em {seconds:F2}s"));
        return ExitCodes.Ok;
    }

    public static async Task<int> ExecuteAsync(
        UploaderConfig config, string sqlFile, string output, CompressionLevel level, TextWriter log, TextWriter errors, CancellationToken ct, TerminalProgress? progress = null,
        IReadOnlyList<ListColumnDto>? maskedColumns = null)
    {
        var sql = (await File.ReadAllTextAsync(sqlFile, ct)).Trim().TrimEnd(';');
        var query = new ListDefinitionDto(Path.GetFileNameWithoutExtension(sqlFile), 0, sql, maskedColumns ?? [], []);
        var clock = Stopwatch.StartNew();
        var outcome = await ExtractAsync(new PostgresSource(config.Database), query, config, output, level, progress, ct);
        if (outcome.Extracted is not { } result)
        {
            await errors.WriteLineAsync(Failure(outcome, Path.GetFileName(sqlFile), sqlFile));
            return outcome.ExitCode;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        log.WriteLine(Localized.Format(
            $"extracted {result.Rows} rows, {result.CsvChars} CSV characters to {result.CompressedBytes} bytes ({level}) in {seconds:F2}s: {result.CsvChars / 1e6 / seconds:F1} MB/s of CSV",
            $"extraídas {result.Rows} linhas, {result.CsvChars} caracteres de CSV em {result.CompressedBytes} bytes ({level}) em {seconds:F2}s: {result.CsvChars / 1e6 / seconds:F1} MB/s de CSV"));
        return ExitCodes.Ok;
    }

    private static async Task<FileExtractionOutcome> ExtractAsync(
        ISnapshotSource source, ListDefinitionDto list, UploaderConfig config, string output, CompressionLevel level, TerminalProgress? progress, CancellationToken ct)
    {
        progress?.Start();
        var outcome = await FileExtraction.ToFileAsync(source, list, config.ReadMaskingKey(), output, level, progress is null ? null : p => progress.Extracting(Path.GetFileName(output), p), ct);
        progress?.Clear();
        return outcome;
    }

    /// <summary>Why nothing was written: the list named <paramref name="masked"/> in a masking failure, <paramref name="failed"/> in the source's.</summary>
    private static string Failure(FileExtractionOutcome outcome, string masked, string failed) => outcome.NotMasked is { } masking
        ? RunMessages.NotMasked("-", masked, masking)
        : Localized.Text($"could not extract {failed}: {outcome.Failed!.Reason}", $"não foi possível extrair {failed}: {outcome.Failed!.Reason}");

    private static ListColumnDto ParseMask(string option)
    {
        var equals = option.IndexOf('=', StringComparison.Ordinal);
        var (kind, argument) = equals < 1 ? (string.Empty, null) : option[(equals + 1)..].Split(':', 2) switch
        {
            [var k] => (k, (string?)null),
            [var k, var a] => (k, a),
            _ => (string.Empty, null),
        };
        ColumnMaskDto? mask = kind switch
        {
            MaskKinds.Hash or MaskKinds.Redact when argument is null => new ColumnMaskDto(kind),
            MaskKinds.Truncate when argument is not null && MaskKinds.TruncateUnits.Contains(argument) => new ColumnMaskDto(kind, Unit: argument),
            MaskKinds.LastDigits when int.TryParse(argument, System.Globalization.CultureInfo.InvariantCulture, out var digits) && digits > 0 => new ColumnMaskDto(kind, Digits: digits),
            _ => null,
        };
        return mask is null
            ? throw new ConfigException(Localized.Text(
                $"--mask '{option}': use column=hash, column=redact, column=truncate:<year|month|day|hour> or column=last-digits:<n>",
                $"--mask '{option}': use coluna=hash, coluna=redact, coluna=truncate:<year|month|day|hour> ou coluna=last-digits:<n>"))
            : new ListColumnDto(option[..equals], "text", Mask: mask);
    }
}
