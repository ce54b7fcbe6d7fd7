using System.Text.Json;

namespace PecLists.Functions.Lists;

/// <summary>The optional parts of a list definition (source, cursor, schedule, views) as stored: jsonb, NULL when absent.</summary>
public static class DefinitionParts
{
    public static string? Json<T>(T? part)
        where T : class => part is null ? null : JsonSerializer.Serialize(part, JsonSerializerOptions.Web);

    public static T? Parse<T>(string? json)
        where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web);
}
