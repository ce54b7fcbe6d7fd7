using System.Text.Json;

namespace PecLists.Uploader.Spooling;

public static class SentLog
{
    private const int Keep = 50;

    public static string PathIn(string spoolRoot) => Path.Combine(spoolRoot, "sent.json");

    public static IReadOnlyList<SentSnapshot> Read(string spoolRoot)
    {
        try
        {
            return File.Exists(PathIn(spoolRoot))
                ? JsonSerializer.Deserialize(File.ReadAllText(PathIn(spoolRoot)), SentLogJson.Default.ListSentSnapshot) ?? []
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static void Append(string spoolRoot, SentSnapshot sent)
    {
        var all = Read(spoolRoot).Append(sent).OrderByDescending(s => s.SentAt).Take(Keep).ToList();
        OwnerOnly.CreateDirectory(spoolRoot);
        File.WriteAllText(PathIn(spoolRoot) + ".tmp", JsonSerializer.Serialize(all, SentLogJson.Default.ListSentSnapshot));
        File.Move(PathIn(spoolRoot) + ".tmp", PathIn(spoolRoot), overwrite: true);
    }
}
