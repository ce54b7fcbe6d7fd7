using System.Text.Json;
using System.Text.Json.Serialization;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Storage;

namespace PecLists.Functions.Loading;

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
    /// <summary>The message that queues the snapshot a blob holds (a first delivery: no retries yet).</summary>
    public static LoadMessage Of(SnapshotReference reference) =>
        new(reference.SnapshotId, reference.Site, reference.List, reference.Blob, reference.ExtractedAt);

    /// <summary>A load message names a stored snapshot: where a reference is wanted (the store, replay's filter), it is one.</summary>
    public static implicit operator SnapshotReference(LoadMessage message) =>
        new(message.SnapshotId, message.Site, message.List, message.Blob, message.ExtractedAt);

    public string ToJson() => JsonSerializer.Serialize(this);

    public static LoadMessage? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            // The site and list travel into logs and telemetry: only an IBGE code and a list name are a load reference,
            // so a malformed or forged message cannot carry free text there (it goes to the poison queue instead).
            var message = JsonSerializer.Deserialize<LoadMessage>(json);
            return message is { Blob.Length: > 0 } && IbgeCode.IsValid(message.Site) && message.List is { } list && ListDefinitionRules.ListName().IsMatch(list)
                && message.SnapshotId != Guid.Empty ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
