using System.IO.Compression;
using System.Text;

namespace PecLists.Uploader.Incremental;

/// <summary>
/// Reads one column of a CSV as it streams past, chunk by chunk (PostgreSQL's CSV: a NULL is an empty unquoted field,
/// an empty text is <c>""</c>), and keeps the highest cursor value and the count of NULLs. Only the current field of
/// that column is buffered, so memory stays flat whatever the delivery's size. The delivery's cursor is computed from
/// the very file that is sent, so it is consistent with the rows sent by construction, whatever the source.
/// </summary>
public sealed class CursorScan(string column)
{
    private readonly StringBuilder _field = new();
    private readonly List<string> _header = [];
    private long _record;
    private int _fieldIndex;
    private int _target = -1;
    private bool _inQuotes;
    private bool _quoted;

    /// <summary>The highest value seen, null when every row's was NULL or there were no rows.</summary>
    public CursorValue? Highest { get; private set; }

    /// <summary>Rows whose cursor is NULL.</summary>
    public long Nulls { get; private set; }

    /// <summary>Data rows seen (after the header).</summary>
    public long Rows => Math.Max(0, _record - 1);

    /// <summary>The cursor of the gzip CSV at <paramref name="path"/> (a spooled delivery).</summary>
    public static async Task<CursorScan> ReadAsync(string path, string column, CancellationToken ct)
    {
        var scan = new CursorScan(column);
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, 1 << 15);
        var buffer = new char[1 << 15];
        int read;
        while ((read = await reader.ReadBlockAsync(buffer, ct)) > 0)
        {
            scan.Read(buffer.AsSpan(0, read));
        }

        scan.End();
        return scan;
    }

    public void Read(ReadOnlySpan<char> chunk)
    {
        foreach (var c in chunk)
        {
            if (_inQuotes)
            {
                if (c == '"')
                {
                    _inQuotes = false;
                }
                else
                {
                    Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    if (_quoted)
                    {
                        Append('"'); // "" inside a quoted field: one quote
                    }

                    _quoted = true;
                    _inQuotes = true;
                    break;
                case ',':
                    EndField();
                    break;
                case '\n':
                    EndField();
                    _record++;
                    _fieldIndex = 0;
                    break;
                case '\r':
                    break;
                default:
                    Append(c);
                    break;
            }
        }
    }

    /// <summary>The end of the text: a last record without its newline still counts.</summary>
    public void End()
    {
        if (_fieldIndex > 0 || _field.Length > 0 || _quoted)
        {
            EndField();
            _record++;
            _fieldIndex = 0;
        }

        if (_record > 0 && _target < 0)
        {
            throw new CursorColumnException(CursorColumnProblem.Missing, column);
        }
    }

    private bool Buffering => _record == 0 || _fieldIndex == _target;

    private void Append(char c)
    {
        if (Buffering)
        {
            _field.Append(c);
        }
    }

    private void EndField()
    {
        if (_record == 0)
        {
            _header.Add(_field.ToString());
            if (_field.Equals(column))
            {
                _target = _fieldIndex;
            }
        }
        else if (_fieldIndex == _target)
        {
            TakeValue();
        }
        else if (_target < 0 && _fieldIndex == 0)
        {
            throw new CursorColumnException(CursorColumnProblem.Missing, column);
        }

        _field.Clear();
        _quoted = false;
        _fieldIndex++;
    }

    private void TakeValue()
    {
        if (_field.Length == 0 && !_quoted)
        {
            Nulls++;
            return;
        }

        // The value itself is never quoted in the error: the column could hold personal data (a birth date).
        var value = CursorValue.TryParse(_field.ToString()) ?? throw new CursorColumnException(CursorColumnProblem.NotATimestamp, column);
        Highest = Highest is { } highest ? CursorValue.Max(highest, value) : value;
    }
}
