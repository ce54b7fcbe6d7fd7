using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Loading;

/// <summary>
/// The sweeper of snapshots left received ("Sweeper" configuration section); its schedule is sweep-received/function.json's.
/// </summary>
public sealed class SweeperOptions
{
    public const string Section = "Sweeper";

    /// <summary>
    /// A received snapshot younger than this is left to the request that recorded it. Above the queue claim's 2-minute
    /// lease, so a live request is never raced.
    /// </summary>
    [Range(3, 10080, ErrorMessage = "Sweeper:ReceivedOlderThanMinutes must be between {1} and {2}.")]
    public int ReceivedOlderThanMinutes { get; set; } = 10;

    /// <summary>Snapshots taken per run; more wait for the next run (every 5 minutes).</summary>
    [Range(1, 10_000, ErrorMessage = "Sweeper:MaxPerRun must be between {1} and {2}.")]
    public int MaxPerRun { get; set; } = 100;
}
