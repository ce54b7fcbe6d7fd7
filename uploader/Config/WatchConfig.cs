using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Config;

/// <summary>
/// The <c>watch</c> service's clock (ADR 0023). <see cref="MinuteSeconds"/> is how long one minute of a list's
/// <c>schedule</c> lasts: 60 in production; shorter only to try a minute-level example on a workstation or in the
/// end-to-end tests, where a list polled "every minute, delivered every 10" then shows its deliveries in seconds.
/// Only the schedule's grid, the batches' age and the watch's wake-ups count these minutes: extraction times, snapshot
/// ids, heartbeats and signatures keep the real clock, which the backend checks.
/// </summary>
public sealed class WatchConfig
{
    public const int RealMinuteSeconds = 60;

    public int MinuteSeconds { get; set; } = RealMinuteSeconds;

    /// <summary>One minute of the schedule.</summary>
    public TimeSpan Minute => TimeSpan.FromSeconds(MinuteSeconds);

    public IEnumerable<string> Problems()
    {
        if (MinuteSeconds is < 1 or > RealMinuteSeconds)
        {
            yield return Localized.Text(
                "'watch.minuteSeconds' must be 1 to 60 (60 unless you are trying an example: a schedule's minute lasts that many seconds)",
                "'watch.minuteSeconds' deve ser de 1 a 60 (60, a não ser para testar um exemplo: um minuto da agenda dura esses segundos)");
        }
    }
}
