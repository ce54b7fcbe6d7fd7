using PecLists.Contracts;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// Whether this uploader knows everything a signed definition asks for: its source kind, load mode, paginator, field
/// formats and masks (with a truncate unit it can cut to and a positive digit count). A definition from a later
/// contract (a new mask kind, say) is not run at all rather than run without what it asks: skipping a mask would send
/// the clear value (<see cref="DefinitionCodes.Unsupported"/>, docs/adr/0022-list-definitions-beyond-one-query.md).
/// </summary>
public static class DefinitionSupport
{
    public static bool IsSupported(ListDefinitionDto definition) =>
        SourceKinds.All.Contains(SourceKinds.Of(definition))
        && LoadModes.All.Contains(LoadModes.Of(definition))
        && (definition.Source?.Paginator is null || PaginatorTypes.All.Contains(definition.Source.Paginator.Type))
        && definition.Columns.All(c => (c.Format is null || FieldFormats.All.Contains(c.Format)) && (c.Mask is null || IsSupported(c.Mask)));

    private static bool IsSupported(ColumnMaskDto mask) => mask.Kind switch
    {
        MaskKinds.Hash or MaskKinds.Redact => true,
        MaskKinds.Truncate => mask.Unit is not null && MaskKinds.TruncateUnits.Contains(mask.Unit),
        MaskKinds.LastDigits => mask.Digits is > 0,
        _ => false,
    };
}
