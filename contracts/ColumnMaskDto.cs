using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>A column's mask (<see cref="MaskKinds"/>): <c>Unit</c> for truncate, <c>Digits</c> for last-digits.</summary>
public sealed record ColumnMaskDto(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Digits = null);
