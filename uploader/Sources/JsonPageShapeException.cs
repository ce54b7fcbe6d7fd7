using System.Text.Json;

namespace PecLists.Uploader.Sources;

/// <summary>A page whose JSON has another shape than the definition reads: what, at which path, what was found there.</summary>
public sealed class JsonPageShapeException(JsonPageShape shape, IReadOnlyList<string> path, JsonValueKind found, long rowIndex)
    : Exception($"{shape} at '{string.Join('.', path)}' ({found}), row {rowIndex}")
{
    public JsonPageShape Shape { get; } = shape;

    /// <summary>The path it is about, dotted (the record selector or the next-link path).</summary>
    public string Path { get; } = string.Join('.', path);

    public JsonValueKind Found { get; } = found;

    /// <summary>The index in the page of the row it is about (for <see cref="JsonPageShape.RowNotObject"/>).</summary>
    public long RowIndex { get; } = rowIndex;
}
