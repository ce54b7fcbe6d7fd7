using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PecLists.Functions.Http;

/// <summary>
/// The custom-handler invocation payload for non-HTTP triggers: POST /{function} with
/// <c>{"Data": {binding: value}, "Metadata": {...}}</c>.
/// </summary>
/// <remarks>
/// The real host serializes each value with Json.NET before serializing the whole payload (Azure/azure-functions-host
/// Workers/MessageExtensions/ScriptInvocationContextExtensions.GetHttpScriptInvocationContextValue): a queue message
/// arrives as a JSON string holding a quoted JSON string, and scalars such as DequeueCount as strings ("5"). The
/// documented sample has one level and numbers. Both are read here.
/// </remarks>
public sealed class InvocationRequest
{
    private const int MaxUnwrapDepth = 4;

    [JsonPropertyName("Data")]
    public Dictionary<string, JsonElement> Data { get; set; } = [];

    [JsonPropertyName("Metadata")]
    public Dictionary<string, JsonElement> Metadata { get; set; } = [];

    /// <summary>
    /// The trigger value as text: JSON string layers are unwrapped while their content is itself a JSON string; a
    /// JSON object is returned as its raw text. Null when the binding is absent.
    /// </summary>
    public string? TriggerText(string bindingName)
    {
        if (!Data.TryGetValue(bindingName, out var value))
        {
            return null;
        }

        for (var depth = 0; depth < MaxUnwrapDepth; depth++)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    var text = value.GetString()!;
                    if (!TryParse(text, out var inner) || inner.ValueKind != JsonValueKind.String)
                    {
                        return text;
                    }

                    value = inner;
                    break;
                case JsonValueKind.Undefined or JsonValueKind.Null:
                    return null;
                default:
                    return value.GetRawText();
            }
        }

        return null;
    }

    /// <summary>Metadata.DequeueCount as a number or as the host's string; 1 when absent or unreadable.</summary>
    public int DequeueCount
    {
        get
        {
            if (!Metadata.TryGetValue("DequeueCount", out var count))
            {
                return 1;
            }

            return count.ValueKind switch
            {
                JsonValueKind.Number when count.TryGetInt32(out var number) => number,
                JsonValueKind.String when int.TryParse(Unquote(count.GetString()!), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => number,
                _ => 1,
            };
        }
    }

    private static string Unquote(string text) => text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;

    private static bool TryParse(string text, out JsonElement element)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }
}
