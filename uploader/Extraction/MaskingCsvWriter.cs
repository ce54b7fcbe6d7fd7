using System.Buffers;
using System.Text;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// The masking stage (a "transform" in Vector's words) between a source and the spool: the source writes its CSV text
/// here, in buffers of any size, and the records come out with the list's masked columns replaced. It parses RFC 4180
/// as PostgreSQL writes it (quoted fields may hold commas, quotes and line breaks) and keeps PostgreSQL's NULL rule:
/// an empty unquoted field is NULL, <c>""</c> is an empty string; NULL stays NULL under every mask. The header (first
/// record) names the columns, so masks find their column by name; a masked column absent from it fails the extraction
/// (<see cref="MaskFailure.ColumnMissing"/>). Unmasked fields are copied through as they came, byte for byte; only a
/// masked field is collected, masked and written again (quoted when it needs to be). Memory holds one field at a time.
/// </summary>
public sealed class MaskingCsvWriter : TextWriter
{
    private readonly TextWriter _inner;
    private readonly ListMasks _masks;
    private readonly ArrayBufferWriter<char> _field = new(256);
    private readonly ArrayBufferWriter<char> _masked = new(256);
    private readonly List<string> _header = [];
    private ColumnMask?[] _byIndex = [];
    private State _state = State.FieldStart;
    private bool _inHeader = true;
    private bool _quoted;
    private int _column;
    private bool _completed;

    public MaskingCsvWriter(TextWriter inner, ListMasks masks)
    {
        _inner = inner;
        _masks = masks;
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        CarriageReturn,
    }

    public override Encoding Encoding => _inner.Encoding;

    /// <summary>The mask of the field being read; null while passing through (and in the header).</summary>
    private ColumnMask? Current => !_inHeader && _column < _byIndex.Length ? _byIndex[_column] : null;

    private bool Collecting => _inHeader || Current is not null;

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(ReadOnlySpan<char> buffer)
    {
        ObjectDisposedException.ThrowIf(_completed, this);

        // Unmasked text is passed on in runs: from runStart up to where a masked field starts, or to the buffer's end.
        var runStart = Current is null ? 0 : -1;
        for (var i = 0; i < buffer.Length; i++)
        {
            var c = buffer[i];
            switch (_state)
            {
                case State.FieldStart:
                    if (!_inHeader && Current is not null && runStart >= 0)
                    {
                        _inner.Write(buffer[runStart..i]);
                        runStart = -1;
                    }

                    _quoted = false;
                    if (c == '"')
                    {
                        _quoted = true;
                        _state = State.Quoted;
                    }
                    else if (!Separator(c, ref runStart, i))
                    {
                        Collect(c);
                        _state = State.Unquoted;
                    }

                    break;
                case State.Unquoted:
                    if (!Separator(c, ref runStart, i))
                    {
                        Collect(c); // a quote inside an unquoted field is text (PostgreSQL never writes one)
                    }

                    break;
                case State.Quoted:
                    if (c == '"')
                    {
                        _state = State.QuoteInQuoted;
                    }
                    else
                    {
                        Collect(c);
                    }

                    break;
                case State.QuoteInQuoted:
                    if (c == '"')
                    {
                        Collect('"'); // "" inside quotes is one quote
                        _state = State.Quoted;
                    }
                    else if (!Separator(c, ref runStart, i))
                    {
                        Collect(c);
                        _state = State.Unquoted;
                    }

                    break;
                case State.CarriageReturn:
                    _state = State.FieldStart;
                    EndRecord();
                    if (c != '\n')
                    {
                        i--; // a lone CR ended the record: read this character again as the next record's first
                    }

                    if (runStart < 0)
                    {
                        runStart = c == '\n' ? i : i + 1; // the LF of CRLF passes through; a re-read character is judged again
                    }

                    break;
            }
        }

        if (runStart >= 0 && runStart < buffer.Length)
        {
            _inner.Write(buffer[runStart..]);
        }
    }

    public override void Flush() => _inner.Flush();

    /// <summary>Ends the last record when the text did not end with a line break, then flushes.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        if (_state == State.CarriageReturn)
        {
            EndRecord();
        }
        else if (_state != State.FieldStart || _column > 0)
        {
            EndField();
            EndRecord();
        }

        _completed = true;
        _inner.Flush();
    }

    private void Collect(char c)
    {
        if (Collecting)
        {
            _field.GetSpan(1)[0] = c;
            _field.Advance(1);
        }
    }

    /// <summary>
    /// A comma or line break outside quotes ends the field (and the record); true when <paramref name="c"/> was one. The
    /// masked value is written where the field was, and the separator starts the next run of text passed through.
    /// </summary>
    private bool Separator(char c, ref int runStart, int i)
    {
        if (c is not (',' or '\n' or '\r'))
        {
            return false;
        }

        var wasMasked = Current is not null;
        EndField();
        if (wasMasked)
        {
            runStart = i;
        }

        if (c == ',')
        {
            _column++;
            _state = State.FieldStart;
        }
        else if (c == '\n')
        {
            EndRecord();
            _state = State.FieldStart;
        }
        else
        {
            _state = State.CarriageReturn;
        }

        return true;
    }

    private void EndField()
    {
        if (_inHeader)
        {
            _header.Add(new string(_field.WrittenSpan));
        }
        else if (Current is { } mask)
        {
            var isNull = !_quoted && _field.WrittenCount == 0;
            _masked.ResetWrittenCount();
            if (!isNull && mask.Apply(_field.WrittenSpan, _masked))
            {
                WriteField(_masked.WrittenSpan);
            }
        }

        _field.ResetWrittenCount();
    }

    private void EndRecord()
    {
        _column = 0;
        if (_inHeader)
        {
            _inHeader = false;
            _byIndex = [.. _header.Select(name => _masks.ByColumn.GetValueOrDefault(name))];
            if (_masks.ByColumn.Keys.FirstOrDefault(name => !_header.Contains(name)) is { } missing)
            {
                throw new MaskingException(missing, MaskFailure.ColumnMissing);
            }
        }
    }

    /// <summary>A value that is not NULL, quoted when it must be (RFC 4180; an empty string as "", and "\." never bare).</summary>
    private void WriteField(ReadOnlySpan<char> value)
    {
        if (!value.IsEmpty && value.IndexOfAny(",\"\r\n") < 0 && value is not "\\.")
        {
            _inner.Write(value);
            return;
        }

        _inner.Write('"');
        for (var rest = value; !rest.IsEmpty;)
        {
            var quote = rest.IndexOf('"');
            if (quote < 0)
            {
                _inner.Write(rest);
                break;
            }

            _inner.Write(rest[..(quote + 1)]);
            _inner.Write('"');
            rest = rest[(quote + 1)..];
        }

        _inner.Write('"');
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Complete();
        }

        base.Dispose(disposing);
    }
}
