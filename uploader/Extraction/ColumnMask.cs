using System.Buffers;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// One column's mask (contracts' <c>MaskKinds</c>), applied to the column's text as the source wrote it. NULL is never
/// given to a mask: it stays NULL under every mask. An empty string is given, and each mask says what it makes of it.
/// </summary>
public abstract class ColumnMask
{
    protected ColumnMask(string column) => Column = column;

    /// <summary>The column masked: the name a <see cref="MaskingException"/> gives.</summary>
    public string Column { get; }

    /// <summary>
    /// Writes the masked form of <paramref name="value"/> (not NULL) into <paramref name="output"/>; false when the
    /// masked value is NULL.
    /// </summary>
    public abstract bool Apply(ReadOnlySpan<char> value, ArrayBufferWriter<char> output);

    /// <summary>The masked form of one value (NULL in, NULL out): what a test or a check compares with.</summary>
    public string? Mask(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var output = new ArrayBufferWriter<char>();
        return Apply(value, output) ? new string(output.WrittenSpan) : null;
    }
}
