using System.Text.Json;

namespace PecLists.Uploader.Config;

/// <summary>The config file on disk as install reads and writes it: owner-only, rewritten only when its content changes.</summary>
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
