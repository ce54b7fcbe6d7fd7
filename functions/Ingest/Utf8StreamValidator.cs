using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace PecLists.Functions.Ingest;

/// <summary>
/// Strict UTF-8 validation of a byte stream fed in arbitrary pieces. A multi-byte character cut by a buffer boundary
/// is carried (at most 3 bytes) into the next piece, so where the reads happen to split the text never matters.
/// Overlong forms, surrogates (ED A0..BF), code points above U+10FFFF and a sequence cut at the very end are refused.
/// </summary>
public sealed class Utf8StreamValidator
{
    private readonly byte[] _carry = new byte[4];
    private int _carried;

    /// <summary>False as soon as the bytes seen so far cannot be the start of valid UTF-8.</summary>
    public bool Append(ReadOnlySpan<byte> bytes)
    {
        if (_carried > 0)
        {
            // Finish the character the previous piece cut: it needs at most 4 - carried more bytes.
            var take = Math.Min(_carry.Length - _carried, bytes.Length);
            bytes[..take].CopyTo(_carry.AsSpan(_carried));
            var status = Rune.DecodeFromUtf8(_carry.AsSpan(0, _carried + take), out _, out var consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                _carried += take; // the piece was shorter than the rest of the character
                return true;
            }

            if (status != OperationStatus.Done)
            {
                return false;
            }

            bytes = bytes[(consumed - _carried)..];
            _carried = 0;
        }

        var tail = IncompleteTail(bytes);
        if (!Utf8.IsValid(bytes[..^tail]))
        {
            return false;
        }

        bytes[^tail..].CopyTo(_carry);
        _carried = tail;
        return true;
    }

    /// <summary>At the end of the stream: false when it stopped inside a character.</summary>
    public bool Complete() => _carried == 0;

    /// <summary>Bytes at the end that start a character needing more bytes than are there (0 to 3).</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: its lead is further back
            }

            var length = b switch { >= 0xC2 and <= 0xDF => 2, >= 0xE0 and <= 0xEF => 3, >= 0xF0 and <= 0xF4 => 4, _ => 0 };
            return length > back ? back : 0; // ASCII or an invalid lead: nothing to carry, the validation decides
        }

        return 0;
    }
}
