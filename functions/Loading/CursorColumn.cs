using PecLists.Functions.Lists;

namespace PecLists.Functions.Loading;

/// <summary>An incremental list version's cursor column, as ingest checks an <c>X-Cursor</c> and the loader orders cursors.</summary>
public static class CursorColumn
{
    /// <summary>The canonical type of the version's cursor column; null when it names none, or one that is not among its columns.</summary>
    public static string? TypeOf(ListDefinition version) =>
        version.Incremental?.CursorColumn is { } name && version.Columns.FirstOrDefault(c => c.Name == name) is { } column
            ? ColumnTypes.Normalize(column.Type)
            : null;
}
