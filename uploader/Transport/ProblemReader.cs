using System.Text.Json;

namespace PecLists.Uploader.Transport;

/// <summary>Reads the stable <c>code</c> and the human detail of a problem+json answer, tolerating anything else.</summary>
public static class ProblemReader
{
    public static async Task<(string? Code, string? Detail)> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            string? Get(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (Get("code"), Get("detail") ?? Get("title"));
        }
        catch (Exception ex) when (ex is JsonException or OperationCanceledException or HttpRequestException or IOException)
        {
            return (null, null);
        }
    }
}
