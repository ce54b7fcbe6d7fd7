using System.Text.Json;

namespace PecLists.Uploader.Sources;

/// <summary>
/// What a <see cref="FieldPath"/> found in a row: a value (<see cref="Value"/>; JSON null is a value, NULL), nothing
/// that the shape promises (<see cref="IsMissing"/>, up to <see cref="MissingAt"/>), or NULL because an array was
/// shorter or a parent was null.
/// </summary>
public readonly record struct FieldLookup(JsonElement? Value, string? MissingAt, JsonValueKind MissingIn)
{
    /// <summary>NULL: an index past an array's end, or a member of a parent that is null.</summary>
    public static FieldLookup Null => default;

    public bool IsMissing => MissingAt is not null;

    public static FieldLookup Found(JsonElement value) => new(value, null, JsonValueKind.Undefined);

    public static FieldLookup Missing(string at, JsonValueKind inKind) => new(null, at, inKind);
}
