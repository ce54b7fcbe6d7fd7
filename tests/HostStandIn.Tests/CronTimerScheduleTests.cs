namespace HostStandIn.Tests;

/// <summary>The schedule alone, as CronSchedule.TryCreate and TimerSchedule.ShouldDisableScheduleMonitor read it.</summary>
public sealed class CronTimerScheduleTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 17, 2, 30, DateTimeKind.Local);

    private static CronTimerSchedule Parse(string expression) => CronTimerSchedule.Parse(expression, new AppSettings([]));

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-26T17:05:00")] // NCRONTAB: seconds first
    [InlineData("*/5 * * * *", "2026-11-26T17:05:00")] // exactly 5 fields: parsed without seconds
    [InlineData("*/10 * * * * *", "2026-11-26T17:02:40")]
    [InlineData("0 30 9 * * 1-5", "2026-11-27T09:30:00")]
    public void The_next_occurrence_follows_NCrontab(string expression, string next)
    {
        var occurrence = Parse(expression).NextAfter(Now);

        Assert.Equal(DateTime.Parse(next, System.Globalization.CultureInfo.InvariantCulture), occurrence);
        Assert.Equal(DateTimeKind.Local, occurrence.Kind);
    }

    [Theory]
    [InlineData("*/1 * * * * *", true)]
    [InlineData("*/20 * * * * *", true)]
    [InlineData("0 * * * * *", false)]
    [InlineData("0 */5 * * * *", false)]
    [InlineData("* */5 * * * *", false)] // every second, but a minute field that is not "*" keeps the monitor
    public void Only_sub_minute_schedules_of_the_form_X_star_star_star_star_star_drop_the_monitor(string expression, bool subMinute) =>
        Assert.Equal(subMinute, Parse(expression).IsSubMinute(Now));

    [Fact]
    public void Percent_names_are_replaced_by_app_settings_anywhere_in_the_expression()
    {
        var settings = new AppSettings([KeyValuePair.Create("MINUTES", (string?)"*/5")]);

        Assert.Equal(new DateTime(2026, 11, 26, 17, 5, 0), CronTimerSchedule.Parse("0 %MINUTES% * * * *", settings).NextAfter(Now));
    }
}
