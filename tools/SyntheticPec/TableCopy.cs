using Npgsql;
using NpgsqlTypes;

namespace SyntheticPec;

/// <summary>
/// One table's binary COPY, declared column by column: each column's name next to the row's value for it and the
/// PostgreSQL type it is written as (always explicit, so it works with <c>Server Compatibility Mode=NoTypeLoading</c>).
/// A null value is written as NULL.
/// </summary>
internal sealed class TableCopy<TRow>(string table, IEnumerable<TRow> rows)
{
    private readonly List<(string Name, Func<NpgsqlBinaryImporter, TRow, CancellationToken, Task> Write)> _columns = [];

    public TableCopy<TRow> Bigint(string column, Func<TRow, long?> value) => Typed(column, value, NpgsqlDbType.Bigint);

    public TableCopy<TRow> Integer(string column, Func<TRow, int?> value) => Typed(column, value, NpgsqlDbType.Integer);

    public TableCopy<TRow> Numeric(string column, Func<TRow, decimal?> value) => Typed(column, value, NpgsqlDbType.Numeric);

    public TableCopy<TRow> Timestamp(string column, Func<TRow, DateTime?> value) => Typed(column, value, NpgsqlDbType.Timestamp);

    public TableCopy<TRow> Date(string column, Func<TRow, DateOnly?> value) => Typed(column, value, NpgsqlDbType.Date);

    public TableCopy<TRow> Varchar(string column, Func<TRow, string?> value) =>
        Add(column, (w, row, ct) => value(row) is { } v ? w.WriteAsync(v, NpgsqlDbType.Varchar, ct) : w.WriteNullAsync(ct));

    /// <summary>A column always NULL.</summary>
    public TableCopy<TRow> Null(string column) => Add(column, (w, _, ct) => w.WriteNullAsync(ct));

    /// <summary>Writes every row, in order, in one COPY.</summary>
    public async Task RunAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var command = $"COPY {table} ({string.Join(", ", _columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";
        await using var writer = await connection.BeginBinaryImportAsync(command, ct);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            foreach (var (_, write) in _columns)
            {
                await write(writer, row, ct);
            }
        }

        await writer.CompleteAsync(ct);
    }

    private TableCopy<TRow> Typed<T>(string column, Func<TRow, T?> value, NpgsqlDbType type) where T : struct =>
        Add(column, (w, row, ct) => value(row) is { } v ? w.WriteAsync(v, type, ct) : w.WriteNullAsync(ct));

    private TableCopy<TRow> Add(string column, Func<NpgsqlBinaryImporter, TRow, CancellationToken, Task> write)
    {
        _columns.Add((column, write));
        return this;
    }
}
