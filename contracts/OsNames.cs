namespace PecLists.Contracts;

/// <summary>The <c>os</c> a heartbeat reports: the operating system the uploader runs on.</summary>
public static class OsNames
{
    public const string Windows = "windows";
    public const string Linux = "linux";
}
