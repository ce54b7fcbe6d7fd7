using System.Globalization;

namespace PecLists.Contracts;

/// <summary>
/// The version of an uploader release as the manifest names it and as sites compare it: exactly
/// <c>major.minor.patch</c>, each part a number from 0 to 65534 written without leading zeros (what the uploader's
/// assembly version prints, <c>Version.ToString(3)</c>). Ordered part by part as numbers, so 1.10.0 is above 1.9.9; no
/// pre-release suffixes, so the order has no second reading. The backend refuses to publish a version not above every
/// published one for its runtime, and the uploader refuses to install one below what it runs (rollback attack).
/// </summary>
public readonly record struct ReleaseVersion(int Major, int Minor, int Patch) : IComparable<ReleaseVersion>
{
    /// <summary>The highest a part may be (an assembly version part's ceiling).</summary>
    public const int MaxPart = 65534;

    public static bool operator <(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) >= 0;

    /// <summary>True with the version when <paramref name="text"/> is exactly <c>major.minor.patch</c> in canonical form.</summary>
    public static bool TryParse(string? text, out ReleaseVersion version)
    {
        version = default;
        var parts = text?.Split('.');
        if (parts is not { Length: 3 })
        {
            return false;
        }

        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 5 || (part.Length > 1 && part[0] == '0') || !part.All(char.IsAsciiDigit)
                || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]) || numbers[i] > MaxPart)
            {
                return false;
            }
        }

        version = new ReleaseVersion(numbers[0], numbers[1], numbers[2]);
        return true;
    }

    public int CompareTo(ReleaseVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");
}
