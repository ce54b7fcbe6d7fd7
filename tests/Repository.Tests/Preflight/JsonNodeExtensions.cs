using System.Text.Json.Nodes;

namespace Repository.Tests.Preflight;

/// <summary>Property access that tolerates a value where an object was expected (an unevaluated expression, a string).</summary>
public static class JsonNodeExtensions
{
    public static JsonNode? At(this JsonNode? node, string key) => node is JsonObject o ? o[key] : null;
}
