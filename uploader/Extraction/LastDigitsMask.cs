using System.Buffers;
using System.Globalization;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// <c>last-digits</c>: the last <c>digits</c> characters are kept, every one before them becomes '*', so the length
/// shows and the tail still tells numbers apart (a phone's last four). A character is what a reader sees as one (a
/// text element: 'é' written as e + combining accent counts once). A value no longer than <c>digits</c> is kept whole.
/// </summary>
public sealed class LastDigitsMask(string column, int digits) : ColumnMask(column)
{
    public override bool Apply(ReadOnlySpan<char> value, ArrayBufferWriter<char> output)
    {
        var elements = 0;
        for (var rest = value; !rest.IsEmpty; rest = rest[StringInfo.GetNextTextElementLength(rest)..])
        {
            elements++;
        }

        var hidden = Math.Max(0, elements - digits);
        var tail = value;
        for (var i = 0; i < hidden; i++)
        {
            tail = tail[StringInfo.GetNextTextElementLength(tail)..];
        }

        output.GetSpan(hidden)[..hidden].Fill('*');
        output.Advance(hidden);
        output.Write(tail);
        return true;
    }
}
