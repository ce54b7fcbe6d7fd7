using System.Buffers;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// Counts CSV records as text streams past, chunk by chunk: a newline ends a record only outside quotes (a quoted
/// field may hold newlines; an escaped quote "" toggles twice and changes nothing). The header is not a data row.
/// </summary>
public sealed class CsvRowCounter
{
    private static readonly SearchValues<char> QuoteOrNewline = SearchValues.Create("\"\n");
    private long _records;
    private bool _inQuotes;

    /// <summary>Records after the header (0 until the header's newline is seen).</summary>
    public long DataRows => Math.Max(0, _records - 1);

    public void Count(ReadOnlySpan<char> chunk)
    {
        while (true)
        {
            var at = _inQuotes ? chunk.IndexOf('"') : chunk.IndexOfAny(QuoteOrNewline);
            if (at < 0)
            {
                return;
            }

            if (chunk[at] == '"')
            {
                _inQuotes = !_inQuotes;
            }
            else
            {
                _records++;
            }

            chunk = chunk[(at + 1)..];
        }
    }
}
