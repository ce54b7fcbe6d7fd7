using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>
/// One column of a list. <c>Compare</c> false marks a value computed at extraction time (<c>now()</c>, an age, the
/// current period): it is stored, but never makes a row count as changed (docs/design.md §5). For an HTTP list,
/// <c>Field</c> is the dotted path of the row member it reads (<c>"posicao.latitude"</c>, <c>"filmes.0"</c>; default
/// the column's name) and <c>Format</c> how the value converts (<see cref="FieldFormats"/>). <c>Mask</c> masks the value
/// at the edge (<see cref="MaskKinds"/>). The three are left out of the JSON when absent, so the bytes the v1 and v2
/// signatures cover are those of before they existed.
/// </summary>
public sealed record ListColumnDto(
    string Name,
    string Type,
    bool Compare = true,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Format = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ColumnMaskDto? Mask = null);
