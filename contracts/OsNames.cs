namespace PecLists.Contracts;

/// <summary>The <c>os</c> of a heartbeat and of the uploader's User-Agent.</summary>
public static class OsNames
{
    public const string Windows = "windows";
    public const string Linux = "linux";
}
