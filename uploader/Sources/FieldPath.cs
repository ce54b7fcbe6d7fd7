using System.Globalization;
using System.Text.Json;

namespace PecLists.Uploader.Sources;

/// <summary>
/// Where a column's value is in a row: a column's <c>field</c> (default its name), dotted (<c>"posicao.latitude"</c>),
/// a numeric segment indexing an array (<c>"films.0"</c>). A member that is not there is a changed shape (the row
/// "lacks" it); an index past an array's end is a value, NULL, since how many items an array holds is data.
/// </summary>
public sealed class FieldPath
{
    private readonly string[] _segments;

    private FieldPath(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>The column's path, or null when its <c>field</c> has an empty segment (<c>"a..b"</c>, <c>".a"</c>).</summary>
    public static FieldPath? Parse(string text)
    {
        var segments = text.Split('.');
        return segments.Any(s => s.Length == 0) ? null : new FieldPath(text, segments);
    }

    /// <summary>
    /// The value at this path in <paramref name="row"/>: found (JSON null included), or missing, with the segment at
    /// which the row lacked it.
    /// </summary>
    public FieldLookup Find(JsonElement row)
    {
        var current = row;
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            switch (current.ValueKind)
            {
                case JsonValueKind.Object when current.TryGetProperty(segment, out var member):
                    current = member;
                    break;
                case JsonValueKind.Array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index):
                    if (index >= current.GetArrayLength())
                    {
                        return FieldLookup.Null;
                    }

                    current = current[index];
                    break;
                case JsonValueKind.Null when i > 0:
                    // "posicao": null reads every "posicao.*" as NULL: the member is there, it holds nothing.
                    return FieldLookup.Null;
                default:
                    return FieldLookup.Missing(string.Join('.', _segments.Take(i + 1)), current.ValueKind);
            }
        }

        return FieldLookup.Found(current);
    }
}
