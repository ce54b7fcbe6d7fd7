using System.IO.Compression;
using System.Text;
using Npgsql;
using PecLists.Contracts;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// Runs a list's SQL as <c>COPY (...) TO STDOUT (FORMAT csv, HEADER)</c> in a read-only transaction with a statement
/// timeout, streaming its CSV text into a <see cref="SpoolCsvWriter"/> (masks, then gzip, then the spool's file): memory stays flat whatever the list size. Works on PostgreSQL 9.6:
/// no type loading (no queries to newer catalogs), plain text COPY only. The session itself starts read-only, with
/// the statement timeout and standard_conforming_strings on (startup options), and only SQL that is one statement
/// (<see cref="SqlStatement"/>) is run, so the SQL cannot end the transaction and write after it.
/// </summary>
public sealed class ListExtractor(string connectionString, int statementTimeoutSeconds, int? lockTimeoutSeconds = null)
{
    /// <summary>gzip "optimal": 3.6× instead of 2.3× for "fastest" at ~46 MB/s of CSV (docs/benchmarks.md).</summary>
    public const CompressionLevel DefaultCompression = CompressionLevel.Optimal;

    private const int CharBufferSize = 1 << 15;

    /// <summary>
    /// Sessions that start read-only (every transaction, including one after a COMMIT the SQL might sneak in), with
    /// standard_conforming_strings on (how <see cref="SqlStatement"/> reads strings) and, when given, the statement
    /// and lock timeouts: set in the startup packet, before any SQL runs (PostgreSQL 9.6 and later). The lock timeout
    /// bounds the wait behind a program holding a table exclusively; it then fails with 55P03 (lock_not_available).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, int? statementTimeoutSeconds = null, int? lockTimeoutSeconds = null)
    {
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        builder.ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(false));
        builder.ConnectionStringBuilder.ApplicationName ??= "pec-uploader";
        builder.ConnectionStringBuilder.Pooling = false;
        var options = "-c default_transaction_read_only=on -c standard_conforming_strings=on";
        if (statementTimeoutSeconds is { } timeout)
        {
            options += $" -c statement_timeout={timeout * 1000}";
        }

        if (lockTimeoutSeconds is { } lockTimeout)
        {
            options += $" -c lock_timeout={lockTimeout * 1000}";
        }

        builder.ConnectionStringBuilder.Options = string.IsNullOrWhiteSpace(builder.ConnectionStringBuilder.Options)
            ? options
            : $"{builder.ConnectionStringBuilder.Options} {options}";
        return builder.Build();
    }

    /// <summary>The list's rows as gzip CSV into <paramref name="destination"/>, unmasked (the extract command and tests).</summary>
    public async Task<ExtractResult> ExtractAsync(string sql, Stream destination, CompressionLevel level, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        await using var output = SpoolCsvWriter.Open(destination, level);
        return await ExtractAsync(sql, output, progress, ct);
    }

    /// <summary>The list's rows as CSV text into <paramref name="output"/> (which masks and compresses), completed at the end.</summary>
    public async Task<ExtractResult> ExtractAsync(string sql, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        if (!SqlStatement.IsOne(sql))
        {
            // The run refuses such a definition before it gets here (definition-not-one-statement); never run one.
            throw new NotOneStatementException();
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var dataSource = CreateDataSource(connectionString, statementTimeoutSeconds, lockTimeoutSeconds);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var setup = connection.CreateCommand())
        {
            // Fixed output formats, whatever the server's defaults (dates as yyyy-mm-dd, exact floats).
            setup.CommandText =
                "BEGIN TRANSACTION READ ONLY; " + // the statement and lock timeouts are the session's, set at its start

                "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3";
            await setup.ExecuteNonQueryAsync(ct);
        }

        long rows;
        long csvChars;
        {
            // The newline before ')' keeps a trailing "-- comment" in the SQL from swallowing the parenthesis.
            using var reader = await connection.BeginTextExportAsync($"COPY (\n{sql}\n) TO STDOUT (FORMAT csv, HEADER)", ct);
            Copy(reader, output, progress, ct, out rows, out csvChars);
        }

        await output.CompleteAsync();

        await using (var end = connection.CreateCommand())
        {
            end.CommandText = "COMMIT";
            await end.ExecuteNonQueryAsync(ct);
        }

        return new ExtractResult(rows, csvChars, output.CompressedBytes, started.Elapsed);
    }

    /// <summary>
    /// Pumps the COPY text into the gzip writer with synchronous reads and writes, on one thread. Npgsql's async COPY
    /// reads allocate for every CopyData message, i.e. for every row (about 120 bytes a row through the text reader,
    /// 128 MB for a million rows); the GC lets that garbage grow up to its gen0 budget, which it sizes from the CPU's
    /// cache, so peak RSS grew with the list on machines with a large L3. The synchronous path allocates nothing per
    /// row, so memory is flat whatever the list size and the machine. Cancellation cancels the query server-side
    /// (the blocked read then fails) and is also checked between buffers.
    /// </summary>
    private static void Copy(NpgsqlCopyTextReader reader, SpoolCsvWriter output, Action<ExtractProgress>? progress, CancellationToken ct, out long dataRows, out long csvChars)
    {
        var writer = output.Writer;
        var rows = new CsvRowCounter();
        var buffer = new char[CharBufferSize];
        csvChars = 0;
        using (ct.UnsafeRegister(static state => CancelQuietly((NpgsqlCopyTextReader)state!), reader))
        {
            int read;
            while ((read = ReadChecked(reader, buffer, ct)) > 0)
            {
                writer.Write(buffer, 0, read);
                csvChars += read;
                rows.Count(buffer.AsSpan(0, read));
                progress?.Invoke(new ExtractProgress(rows.DataRows, csvChars, output.CompressedBytes));
            }

            writer.Flush();
        }

        dataRows = rows.DataRows;
    }

    private static int ReadChecked(NpgsqlCopyTextReader reader, char[] buffer, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        try
        {
            return reader.ReadBlock(buffer, 0, buffer.Length); // a whole buffer, not one CopyData message (one row) per call
        }
        catch (PostgresException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    private static void CancelQuietly(NpgsqlCopyTextReader reader)
    {
        try
        {
            reader.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The export already ended.
        }
        catch (NpgsqlException)
        {
            // Could not reach the server to cancel; the statement timeout still bounds the query.
        }
    }
}
