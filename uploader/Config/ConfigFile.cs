using System.Text.Json;

namespace PecLists.Uploader.Config;

/// <summary>
/// The config file on disk as install reads and writes it (owner-only, rewritten only when its content changes) and as
/// uninstall reads what it must remove.
/// </summary>
public static class ConfigFile
{
    /// <summary>The config at <paramref name="path"/> as it is (not validated), or null when there is none or it is not JSON.</summary>
    public static UploaderConfig? TryLoad(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), UploaderJsonContext.Default.UploaderConfig);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The spool folder the config at <paramref name="path"/> names, even when the config is invalid (uninstall --purge must
    /// still find it): the validated config's, else its raw <c>spoolDirectory</c>, else the default; null without a file.
    /// </summary>
    public static string? SpoolDirectoryOf(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return UploaderConfig.Load(path).SpoolDirectory;
        }
        catch (ConfigException)
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                return document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("spoolDirectory", out var spool)
                    && spool.ValueKind == JsonValueKind.String
                    ? spool.GetString()
                    : DefaultPaths.SpoolDirectory;
            }
            catch (JsonException)
            {
                return DefaultPaths.SpoolDirectory;
            }
        }
    }

    /// <summary>Writes the file only when its content changes; always leaves it owner-only (0600 on Linux). True when written.</summary>
    public static bool Save(string path, UploaderConfig config)
    {
        var json = JsonSerializer.Serialize(config, UploaderJsonContext.Default.UploaderConfig);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var changed = !File.Exists(path) || File.ReadAllText(path) != json;
        if (changed)
        {
            var temp = path + ".tmp";
            File.WriteAllText(temp, string.Empty);
            RestrictToOwner(temp);
            File.WriteAllText(temp, json);
            File.Move(temp, path, overwrite: true);
        }

        RestrictToOwner(path);
        return changed;
    }

    private static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            WindowsAcl.RestrictToOwner(path);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
