using System.Buffers;

namespace PecLists.Uploader.Extraction;

/// <summary><c>redact</c>: every value becomes NULL (an empty string too: nothing of the column leaves).</summary>
public sealed class RedactMask(string column) : ColumnMask(column)
{
    public override bool Apply(ReadOnlySpan<char> value, ArrayBufferWriter<char> output) => false;
}
