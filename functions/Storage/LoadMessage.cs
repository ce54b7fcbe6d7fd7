using System.Text.Json;
using System.Text.Json.Serialization;

namespace PecLists.Functions.Storage;

/// <summary>
/// The claim check queued for the load function (docs/design.md §3): small, no data, only references. <c>Retry</c>
/// counts the transient-failure retries so far; it travels in the message because the database may be what is down.
/// </summary>
public sealed record LoadMessage(
    [property: JsonPropertyName("snapshotId")] Guid SnapshotId,
    [property: JsonPropertyName("site")] string Site,
    [property: JsonPropertyName("list")] string List,
    [property: JsonPropertyName("blob")] string Blob,
    [property: JsonPropertyName("extractedAt")] DateTimeOffset ExtractedAt,
    [property: JsonPropertyName("retry"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Retry = 0)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static LoadMessage? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            var message = JsonSerializer.Deserialize<LoadMessage>(json);
            return message is { Site.Length: > 0, List.Length: > 0, Blob.Length: > 0 } && message.SnapshotId != Guid.Empty ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
