using PecLists.Contracts;

namespace PecLists.Uploader.Updating;

/// <summary>Release versions compared the way the backend orders them (<see cref="ReleaseVersion"/>: major.minor.patch, as numbers).</summary>
public static class ReleaseVersions
{
    public static bool IsValid(string? text) => ReleaseVersion.TryParse(text, out _);

    /// <summary>Negative when <paramref name="a"/> is older than <paramref name="b"/>; an unreadable version is the oldest.</summary>
    public static int Compare(string? a, string? b) =>
        (ReleaseVersion.TryParse(a, out var x), ReleaseVersion.TryParse(b, out var y)) switch
        {
            (false, false) => 0,
            (false, true) => -1,
            (true, false) => 1,
            _ => x.CompareTo(y),
        };

    public static string Max(string? a, string b) => Compare(a, b) >= 0 ? a! : b;
}
