using PecLists.Contracts;

namespace PecLists.Uploader.Sources;

/// <summary>A column of an HTTP list with where its value is in a row and how it converts.</summary>
public sealed record PlannedColumn(ListColumnDto Column, FieldPath Field, ColumnConverter Converter);
