using System.Diagnostics;
using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Output;
using PecLists.Uploader.Pipeline;
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
        ExtractResult result;
        try
        {
            // Built before the file exists: a list that hashes without the site's key writes nothing at all.
            using var masks = ListMasks.For(list, config.ReadMaskingKey());
            await using (var file = new FileStream(output, OwnerOnly.NewFile(FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous)))
            {
                try
                {
                    progress?.Start();
                    result = await SnapshotExtraction.ExtractAsync(source, list, masks, file, level, progress is null ? null : p => progress.Extracting(Path.GetFileName(output), p), ct);
                }
                catch (MaskingException)
                {
                    await file.DisposeAsync();
                    File.Delete(output); // never leave a file that a value failed to mask in
                    throw;
                }
            }
        }
        catch (MaskingException ex)
        {
            progress?.Clear();
            await errors.WriteLineAsync(RunMessages.NotMasked("-", list.Name, ex));
            return ex.Failure == MaskFailure.NoKey ? ExitCodes.Config : ExitCodes.Database;
        }
        catch (Exception ex) when (source.Classify(ex) is { } failure)
        {
            progress?.Clear();
            File.Delete(output); // a list that failed halfway is not left behind as if whole
            await errors.WriteLineAsync(Localized.Text($"could not extract {list.Name}: {failure.Reason}", $"não foi possível extrair {list.Name}: {failure.Reason}"));
            return failure.ExitCode;
        }

        progress?.Clear();
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
        var source = new PostgresSource(config.Database);
        var clock = Stopwatch.StartNew();
        ExtractResult result;
        try
        {
            using var masks = ListMasks.For(query, config.ReadMaskingKey());

            // The rows are personal data: the file is the running account's only (0600), whatever the umask.
            await using var file = new FileStream(output, OwnerOnly.NewFile(FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous));
            progress?.Start();
            result = await SnapshotExtraction.ExtractAsync(source, query, masks, file, level, progress is null ? null : p => progress.Extracting(Path.GetFileName(output), p), ct);
        }
        catch (MaskingException ex)
        {
            progress?.Clear();
            await errors.WriteLineAsync(RunMessages.NotMasked("-", Path.GetFileName(sqlFile), ex));
            return ex.Failure == MaskFailure.NoKey ? ExitCodes.Config : ExitCodes.Database;
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
