using System.IO.Compression;
using System.Text;
using Npgsql;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// Runs a list's SQL as <c>COPY (...) TO STDOUT (FORMAT csv, HEADER)</c> in a read-only transaction with a statement
/// timeout, streaming through gzip into a file: memory stays flat whatever the list size. Works on PostgreSQL 9.6:
/// no type loading (no queries to newer catalogs), plain text COPY only.
/// </summary>
public sealed class ListExtractor(string connectionString, int statementTimeoutSeconds)
{
    private const int CharBufferSize = 1 << 15;

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        builder.ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(false));
        builder.ConnectionStringBuilder.ApplicationName ??= "pec-uploader";
        builder.ConnectionStringBuilder.Pooling = false;
        return builder.Build();
    }

    public async Task<ExtractResult> ExtractAsync(string sql, Stream destination, CompressionLevel level, Action<ExtractProgress>? progress, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var dataSource = CreateDataSource(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var setup = connection.CreateCommand())
        {
            // Fixed output formats, whatever the server's defaults (dates as yyyy-mm-dd, exact floats).
            setup.CommandText =
                $"BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = {statementTimeoutSeconds * 1000}; " +
                "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3";
            await setup.ExecuteNonQueryAsync(ct);
        }

        var counting = new CountingStream(destination);
        var rows = new CsvRowCounter();
        long csvChars = 0;
        await using (var gzip = new GZipStream(counting, level, leaveOpen: true))
        await using (var writer = new StreamWriter(gzip, new UTF8Encoding(false), CharBufferSize))
        {
            // The newline before ')' keeps a trailing "-- comment" in the SQL from swallowing the parenthesis.
            using var reader = await connection.BeginTextExportAsync($"COPY (\n{sql}\n) TO STDOUT (FORMAT csv, HEADER)", ct);
            var buffer = new char[CharBufferSize];
            int read;
            while ((read = await reader.ReadAsync(buffer, ct)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), ct);
                csvChars += read;
                rows.Count(buffer.AsSpan(0, read));
                progress?.Invoke(new ExtractProgress(rows.DataRows, csvChars, counting.Position));
            }
        }

        await using (var end = connection.CreateCommand())
        {
            end.CommandText = "COMMIT";
            await end.ExecuteNonQueryAsync(ct);
        }

        return new ExtractResult(rows.DataRows, csvChars, counting.Position, started.Elapsed);
    }

    /// <summary>Counts bytes written through it (the compressed size).</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            _written += count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            _written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
