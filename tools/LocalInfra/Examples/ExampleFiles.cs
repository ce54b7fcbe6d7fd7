using System.Text.Json.Nodes;

namespace LocalInfra.Examples;

/// <summary>
/// The definitions of examples/&lt;name&gt;/ as a test or the example runner uses them: copied into a work folder
/// (with the SQL file a definition names), adapted there (the fake API's address instead of the real one), never
/// changed in the repository.
/// </summary>
public static class ExampleFiles
{
    public static string DirectoryOf(string example) => Path.Combine(RepoPaths.ExamplesDirectory, example);

    /// <summary>
    /// Copies examples/<paramref name="example"/>/<paramref name="file"/> (and its <c>sqlFile</c>) into
    /// <paramref name="toDirectory"/>, lets <paramref name="adapt"/> change the copy, and returns the copy's path.
    /// </summary>
    public static string Copy(string example, string file, string toDirectory, Action<JsonObject>? adapt = null)
    {
        var source = Path.Combine(DirectoryOf(example), file);
        var definition = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
        if (definition["sqlFile"]?.GetValue<string>() is { } sqlFile)
        {
            File.Copy(Path.Combine(DirectoryOf(example), sqlFile), Path.Combine(toDirectory, sqlFile), overwrite: true);
        }

        adapt?.Invoke(definition);
        var copy = Path.Combine(toDirectory, file);
        File.WriteAllText(copy, definition.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return copy;
    }

    /// <summary>The SQL of a definition in examples/ (its <c>sqlFile</c>), trimmed.</summary>
    public static string SqlOf(string example, string file)
    {
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(DirectoryOf(example), file)))!.AsObject();
        return File.ReadAllText(Path.Combine(DirectoryOf(example), definition["sqlFile"]!.GetValue<string>())).Trim();
    }

    /// <summary>Changes a site's uploader config (JSON) in place, as its administrator would edit it.</summary>
    public static void EditConfig(string configPath, Action<JsonObject> edit)
    {
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        edit(config);
        File.WriteAllText(configPath, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
