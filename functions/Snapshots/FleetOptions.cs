using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Snapshots;

/// <summary>
/// When a site counts as silent ("Fleet" configuration section): the uploader runs once a day, so a heartbeat is
/// expected every <see cref="ExpectedEveryHours"/>; past that it is late (amber), past that plus
/// <see cref="GraceHours"/> the machine counts as off (red, the dead-man's switch).
/// </summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    [Range(1, 24 * 31, ErrorMessage = "Fleet:ExpectedEveryHours must be between {1} and {2}.")]
    public double ExpectedEveryHours { get; set; } = 24;

    [Range(0, 24 * 31, ErrorMessage = "Fleet:GraceHours must be between {1} and {2}.")]
    public double GraceHours { get; set; } = 6;
}
