namespace PecLists.Contracts;

/// <summary>How a JSON value becomes a column's value (a column's <c>format</c>; none: the value as it is).</summary>
public static class FieldFormats
{
    /// <summary>A number of milliseconds since 1970-01-01 UTC, to a <c>timestamptz</c>.</summary>
    public const string EpochMilliseconds = "epoch-ms";

    /// <summary>A number of seconds since 1970-01-01 UTC, to a <c>timestamptz</c>.</summary>
    public const string EpochSeconds = "epoch-s";

    public static readonly IReadOnlyList<string> All = [EpochMilliseconds, EpochSeconds];
}
