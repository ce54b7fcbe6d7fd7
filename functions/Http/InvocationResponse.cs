using System.Text.Json.Serialization;

namespace PecLists.Functions.Http;

/// <summary>The handler's answer: non-empty Outputs and ReturnValue keep the host from warning on every call.</summary>
public sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue);
