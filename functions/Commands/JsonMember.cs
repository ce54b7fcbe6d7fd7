using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PecLists.Functions.Commands;

/// <summary>Sets or removes one top-level string member of a JSON object in place, leaving the rest of the text exactly as written.</summary>
public static class JsonMember
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string SetTopLevelString(string json, string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var encoded = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value, Relaxed));
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("the definition file is not a JSON object");
        }

        var lastValueEnd = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isTarget = reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name);
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            reader.Skip();
            var valueEnd = (int)reader.BytesConsumed;
            if (isTarget)
            {
                return Encoding.UTF8.GetString([.. bytes[..valueStart], .. encoded, .. bytes[valueEnd..]]);
            }

            lastValueEnd = valueEnd;
        }

        var closing = (int)reader.TokenStartIndex;
        var indent = Indentation(json);
        var member = Encoding.UTF8.GetBytes((lastValueEnd < 0 ? string.Empty : ",") + "\n" + indent + JsonSerializer.Serialize(name) + ": ");
        var insertAt = lastValueEnd < 0 ? closing : lastValueEnd;
        var rest = bytes[insertAt..];
        var newline = lastValueEnd < 0 || Array.IndexOf(rest, (byte)'\n') < 0 || Array.IndexOf(rest, (byte)'\n') > closing - insertAt ? "\n"u8.ToArray() : [];
        return Encoding.UTF8.GetString([.. bytes[..insertAt], .. member, .. encoded, .. newline, .. rest]);
    }

    /// <summary>
    /// The JSON without its top-level member <paramref name="name"/> (and the comma that separated it), every other byte
    /// as written; unchanged when there is no such member.
    /// </summary>
    public static string RemoveTopLevel(string json, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("the definition file is not a JSON object");
        }

        var previousValueEnd = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var isTarget = reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name);
            reader.Read();
            reader.Skip();
            var valueEnd = (int)reader.BytesConsumed;
            if (isTarget)
            {
                // After another member: from that member's end (the comma) to this one's. First: up to the next member's name.
                var (from, to) = previousValueEnd >= 0 ? (previousValueEnd, valueEnd)
                    : reader.Read() && reader.TokenType == JsonTokenType.PropertyName ? (nameStart, (int)reader.TokenStartIndex)
                    : (nameStart, valueEnd);
                return Encoding.UTF8.GetString([.. bytes[..from], .. bytes[to..]]);
            }

            previousValueEnd = valueEnd;
        }

        return json;
    }

    /// <summary>The indentation of the file's first indented line (two spaces when there is none).</summary>
    private static string Indentation(string json)
    {
        foreach (var line in json.Split('\n').Skip(1))
        {
            var spaces = line.Length - line.TrimStart(' ', '\t').Length;
            if (spaces > 0 && line.Trim().Length > 0)
            {
                return line[..spaces];
            }
        }

        return "  ";
    }
}
