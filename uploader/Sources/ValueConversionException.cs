namespace PecLists.Uploader.Sources;

/// <summary>
/// A JSON value that does not become its column's value, and why in the operator's language: what kind of value it
/// was and what the column needs, never the value itself (it may be personal data).
/// </summary>
public sealed class ValueConversionException(string reason) : Exception(reason);
