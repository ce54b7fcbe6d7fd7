using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ingest.Functions.Hosting;

/// <summary>
/// The custom-handler invocation payload for non-HTTP triggers: POST /{function} with
/// <c>{"Data": {binding: value}, "Metadata": {...}}</c>; a queue message arrives as a JSON string.
/// </summary>
public sealed class InvocationRequest
{
    [JsonPropertyName("Data")]
    public Dictionary<string, JsonElement> Data { get; set; } = [];

    [JsonPropertyName("Metadata")]
    public Dictionary<string, JsonElement> Metadata { get; set; } = [];

    /// <summary>The trigger value as text: a JSON string is unwrapped, anything else is kept raw.</summary>
    public string? TriggerText(string bindingName)
    {
        if (!Data.TryGetValue(bindingName, out var value))
        {
            value = Data.Values.FirstOrDefault();
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
    }

    public int DequeueCount =>
        Metadata.TryGetValue("DequeueCount", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt32() : 1;
}

/// <summary>The handler's answer: non-empty Outputs and ReturnValue keep the host from warning on every call.</summary>
public sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue);
