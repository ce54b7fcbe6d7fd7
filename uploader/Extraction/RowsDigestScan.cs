using System.IO.Compression;
using System.Text;
using PecLists.Contracts;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// The <see cref="RowsDigest"/> of a spooled whole snapshot, read from the very file that would be sent (after masks),
/// record by record (PostgreSQL's CSV: a NULL is an empty unquoted field, an empty text is <c>""</c>). The header names
/// the columns, so the list's compared columns are found by name; a file whose header lacks one has no digest (null),
/// and the list simply travels whole. One record's fields are held at a time (docs/adr/0024-unchanged-deliveries.md).
/// </summary>
public sealed class RowsDigestScan
{
    private readonly IReadOnlyList<ListColumnDto> _compared;
    private readonly RowsDigestKind[] _kinds;
    private readonly List<string?> _record = [];
    private readonly StringBuilder _field = new();
    private readonly RowsDigest _digest = new();
    private int[]? _positions;
    private bool _missingColumn;
    private bool _header = true;
    private bool _inQuotes;
    private bool _quoted;

    private RowsDigestScan(ListDefinitionDto list)
    {
        _compared = RowsDigest.ComparedColumns(list);
        _kinds = [.. _compared.Select(c => RowsDigest.KindOf(c.Type))];
    }

    /// <summary>The digest and row count of the gzip CSV at <paramref name="path"/> for <paramref name="list"/>; null when its header lacks a compared column.</summary>
    public static async Task<RowsDigest?> ReadAsync(string path, ListDefinitionDto list, CancellationToken ct)
    {
        var scan = new RowsDigestScan(list);
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, 1 << 15);
        var buffer = new char[1 << 15];
        int read;
        while ((read = await reader.ReadBlockAsync(buffer, ct)) > 0)
        {
            scan.Read(buffer.AsSpan(0, read));
        }

        return scan.End();
    }

    /// <summary>The digest of <paramref name="csv"/> (CSV text, header first) for <paramref name="list"/>; null when its header lacks a compared column.</summary>
    public static RowsDigest? Of(string csv, ListDefinitionDto list)
    {
        var scan = new RowsDigestScan(list);
        scan.Read(csv);
        return scan.End();
    }

    private void Read(ReadOnlySpan<char> chunk)
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
                    _field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    if (_quoted)
                    {
                        _field.Append('"'); // "" inside a quoted field: one quote
                    }

                    _quoted = true;
                    _inQuotes = true;
                    break;
                case ',':
                    EndField();
                    break;
                case '\n':
                    EndField();
                    EndRecord();
                    break;
                case '\r':
                    break;
                default:
                    _field.Append(c);
                    break;
            }
        }
    }

    private RowsDigest? End()
    {
        if (_record.Count > 0 || _field.Length > 0 || _quoted)
        {
            EndField();
            EndRecord();
        }

        return _missingColumn || _positions is null ? null : _digest;
    }

    private void EndField()
    {
        _record.Add(_field.Length == 0 && !_quoted ? null : _field.ToString());
        _field.Clear();
        _quoted = false;
    }

    private void EndRecord()
    {
        if (_header)
        {
            _header = false;
            var names = _record.Select(n => n ?? string.Empty).ToList();
            _positions = [.. _compared.Select(c => names.IndexOf(c.Name))];
            _missingColumn = _positions.Any(p => p < 0);
        }
        else if (!_missingColumn)
        {
            var values = new string?[_positions!.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var position = _positions[i];
                values[i] = RowsDigest.Canonical(_kinds[i], position < _record.Count ? _record[position] : null);
            }

            _digest.Add(values);
        }

        _record.Clear();
    }
}
