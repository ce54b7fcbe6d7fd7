namespace PecLists.Uploader.Updating;

/// <summary>Release versions are "major.minor.patch" (what <c>dotnet publish -p:Version=…</c> stamps); compared as numbers.</summary>
public static class ReleaseVersion
{
    public static Version? Parse(string? text) =>
        Version.TryParse(text, out var version) && version.Major >= 0 && version.Minor >= 0
            ? new Version(version.Major, version.Minor, Math.Max(version.Build, 0))
            : null;

    public static bool IsValid(string? text) => Parse(text) is not null && text!.All(c => char.IsAsciiDigit(c) || c == '.');

    /// <summary>Negative when <paramref name="a"/> is older than <paramref name="b"/>; an unreadable version is the oldest.</summary>
    public static int Compare(string? a, string? b) =>
        (Parse(a), Parse(b)) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            var (x, y) => x.CompareTo(y),
        };

    public static string Max(string? a, string b) => Compare(a, b) >= 0 ? a! : b;
}
