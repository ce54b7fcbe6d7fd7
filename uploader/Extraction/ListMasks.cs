using PecLists.Contracts;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// The masks of one list's columns, by column name, built from its signed definition and the site's masking key.
/// <see cref="For"/> gives null for a list without masks, so its rows take the unmasked path unchanged.
/// </summary>
public sealed class ListMasks : IDisposable
{
    private readonly Dictionary<string, ColumnMask> _byColumn;

    private ListMasks(Dictionary<string, ColumnMask> byColumn) => _byColumn = byColumn;

    public IReadOnlyDictionary<string, ColumnMask> ByColumn => _byColumn;

    /// <summary>True when <paramref name="list"/> hashes a column, so it needs the site's masking key.</summary>
    public static bool NeedKey(ListDefinitionDto list) => list.Columns.Any(c => c.Mask?.Kind == MaskKinds.Hash);

    /// <summary>
    /// The masks <paramref name="list"/> asks for, or null when it asks for none. Throws <see cref="MaskingException"/>
    /// (<see cref="MaskFailure.NoKey"/>) when it hashes a column and <paramref name="key"/> is null, and
    /// <see cref="ArgumentException"/> for a mask this uploader does not know (the signature check refuses those first).
    /// </summary>
    public static ListMasks? For(ListDefinitionDto list, MaskingKey? key)
    {
        ArgumentNullException.ThrowIfNull(list);
        var masked = list.Columns.Where(c => c.Mask is not null).ToList();
        if (masked.Count == 0)
        {
            return null;
        }

        var byColumn = new Dictionary<string, ColumnMask>(StringComparer.Ordinal);
        foreach (var column in masked)
        {
            byColumn[column.Name] = column.Mask!.Kind switch
            {
                MaskKinds.Hash => new HashMask(column.Name, key ?? throw new MaskingException(column.Name, MaskFailure.NoKey)),
                MaskKinds.Redact => new RedactMask(column.Name),
                MaskKinds.Truncate => new TruncateMask(column.Name, column.Mask.Unit ?? string.Empty),
                MaskKinds.LastDigits => new LastDigitsMask(column.Name, column.Mask.Digits is > 0 ? column.Mask.Digits.Value : throw new ArgumentException($"column {column.Name}: last-digits needs digits > 0", nameof(list))),
                _ => throw new ArgumentException($"column {column.Name}: unknown mask '{column.Mask.Kind}'", nameof(list)),
            };
        }

        return new ListMasks(byColumn);
    }

    public void Dispose()
    {
        foreach (var mask in _byColumn.Values.OfType<IDisposable>())
        {
            mask.Dispose();
        }
    }
}
