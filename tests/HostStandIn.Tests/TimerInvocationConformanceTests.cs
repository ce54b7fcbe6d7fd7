using System.Text.Json;
using System.Text.Json.Nodes;

namespace HostStandIn.Tests;

/// <summary>
/// Each rule the stand-in copies from the host's timer trigger for a custom handler, pinned against a handler that records
/// what it received. Sources: Azure/azure-functions-host src/WebJobs.Script (commit 89dc438):
/// Binding/CoreExtensionsScriptBindingProvider, Workers/MessageExtensions/ScriptInvocationContextExtensions,
/// Workers/Http/DefaultHttpWorkerService.ProcessDefaultInvocationRequest; Azure/azure-webjobs-sdk-extensions
/// src/WebJobs.Extensions/Extensions/Timers (commit 2e7550f): TimerInfo, TimerListener, TimerSchedule, CronSchedule,
/// Bindings/TimerTriggerBinding.
/// </summary>
public sealed class TimerInvocationConformanceTests
{
    // Once a year: only runOnStartup fires it during a test, and at a minute or more the schedule monitor stays on.
    private const string Yearly = "0 0 0 1 1 *";

    private static JsonElement Payload(JsonObject invocation) => JsonDocument.Parse(invocation["body"]!.ToString()).RootElement;

    // ProcessDefaultInvocationRequest: POST /{function name}, JSON. GetHttpScriptInvocationContextValue: a TimerInfo is
    // a JObject (not a string), PascalCase; the binding data "TimerTrigger" ends in "trigger" and is left out, "sys" stays.
    [Fact]
    public async Task A_timer_invocation_is_a_POST_of_TimerInfo_to_the_function_route_with_only_sys_metadata()
    {
        await using var app = await EchoApp.StartAsync(functions: ("tick", EchoApp.TimerFunction("*/1 * * * * *")));

        var invocation = (await app.WaitForInvocationsAsync(1))[0];
        var payload = Payload(invocation);

        Assert.Equal("/tick", invocation["url"]!.ToString());
        Assert.StartsWith("application/json", invocation["headers"]!["content-type"]!.ToString(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(invocation["headers"]!["x-azure-functions-invocationid"]!.ToString(), out _));
        var timer = payload.GetProperty("Data").GetProperty("timer");
        Assert.Equal(JsonValueKind.Object, timer.ValueKind);
        Assert.Equal(["Schedule", "ScheduleStatus", "IsPastDue"], timer.EnumerateObject().Select(p => p.Name));
        Assert.True(timer.GetProperty("Schedule").GetProperty("AdjustForDST").GetBoolean());
        Assert.False(timer.GetProperty("IsPastDue").GetBoolean());
        // Every second: ShouldDisableScheduleMonitor turns the monitor off, so no status is sent.
        Assert.Equal(JsonValueKind.Null, timer.GetProperty("ScheduleStatus").ValueKind);

        var metadata = payload.GetProperty("Metadata");
        Assert.Equal(["sys"], metadata.EnumerateObject().Select(p => p.Name));
        Assert.Equal("tick", metadata.GetProperty("sys").GetProperty("MethodName").GetString());
        Assert.True(metadata.GetProperty("sys").TryGetProperty("RandGuid", out _));
    }

    // TimerListener.StartAsync (no stored status) and InvokeJobFunction: with the monitor, the status of a new app —
    // Last and LastUpdated are DateTime's default as local time, Next the first occurrence — written with an offset.
    [Fact]
    public async Task RunOnStartup_fires_at_once_and_the_monitor_sends_the_status_of_a_new_app()
    {
        await using var app = await EchoApp.StartAsync(functions: ("tick", EchoApp.TimerFunction(Yearly, ", \"runOnStartup\": true")));

        var status = Payload((await app.WaitForInvocationsAsync(1))[0]).GetProperty("Data").GetProperty("timer").GetProperty("ScheduleStatus");

        Assert.Equal(new DateTimeOffset(default(DateTime).ToLocalTime()), status.GetProperty("Last").GetDateTimeOffset());
        Assert.Equal(status.GetProperty("Last").GetString(), status.GetProperty("LastUpdated").GetString());
        var next = status.GetProperty("Next").GetDateTimeOffset();
        Assert.Equal((1, 1, 0, 0), (next.Month, next.Day, next.Hour, next.Minute));
        Assert.Matches(@"[+-]\d\d:\d\d$", status.GetProperty("Next").GetString()!);
        await Task.Delay(1500);
        Assert.Single(app.Invocations());
    }

    [Fact]
    public async Task UseMonitor_false_sends_no_status()
    {
        await using var app = await EchoApp.StartAsync(functions: ("tick", EchoApp.TimerFunction(Yearly, ", \"runOnStartup\": true, \"useMonitor\": false")));

        var timer = Payload((await app.WaitForInvocationsAsync(1))[0]).GetProperty("Data").GetProperty("timer");

        Assert.Equal(JsonValueKind.Null, timer.GetProperty("ScheduleStatus").ValueKind);
    }

    // TimerSchedule.Create: "%NAME%" is resolved from app settings (NameResolverExtensions.ResolveWholeString).
    // TimerListener.HandleTimerEvent: a failed invocation is logged and the schedule goes on, without retries.
    [Fact]
    public async Task The_schedule_is_read_from_an_app_setting_and_failures_do_not_stop_it()
    {
        await using var app = await EchoApp.StartAsync(
            new Dictionary<string, string?> { ["TICK_SCHEDULE"] = "*/1 * * * * *", ["ECHO_STATUS"] = "500" },
            functions: ("tick", EchoApp.TimerFunction("%TICK_SCHEDULE%")));

        var invocations = await app.WaitForInvocationsAsync(3);

        var times = invocations.Take(3).Select(i => Payload(i).GetProperty("Metadata").GetProperty("sys").GetProperty("UtcNow").GetDateTime()).ToList();
        // Each a tick of its own whole second (one invocation late and the next on time can be 0.2 s apart), and three
        // within a few seconds: the every-second schedule from the setting, not a default one.
        Assert.Equal(3, times.Select(t => t.Ticks / TimeSpan.TicksPerSecond).Distinct().Count());
        Assert.InRange((times[2] - times[0]).TotalSeconds, 1, 3.9);
        Assert.Contains("Executed 'Functions.tick' (Failed", app.Host.Log.Text, StringComparison.Ordinal);
    }

    // TimerListener: one invocation at a time (_invocationLock), and the next occurrence counts from when the last run
    // started; a run longer than the period is followed at once by the next one, never by a backlog.
    [Fact]
    public async Task A_run_longer_than_the_period_is_never_overlapped_and_leaves_no_backlog()
    {
        await using var app = await EchoApp.StartAsync(
            new Dictionary<string, string?> { ["ECHO_DELAY_MS"] = "1500" }, functions: ("tick", EchoApp.TimerFunction("*/1 * * * * *")));

        var starts = (await app.WaitForInvocationsAsync(3)).Take(3).Select(i => i["at"]!.GetValue<long>()).ToList();
        await Task.Delay(1000);

        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 1500, 2600));
        Assert.InRange(app.Invocations().Count, 3, 5);
    }

    // The host puts such a function in error; the stand-in refuses to start rather than run an app missing a function.
    [Theory]
    [InlineData("%NOT_SET%", "'%NOT_SET%' does not resolve to a value.")]
    [InlineData("0 */5 * * *  * *", "was not recognized as a valid cron expression")]
    [InlineData("00:05:00", "only App Service plans run those")]
    public async Task A_schedule_that_does_not_resolve_or_parse_stops_the_start(string schedule, string error)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => EchoApp.StartAsync(functions: ("tick", EchoApp.TimerFunction(schedule))));

        Assert.Contains(error, failure.Message, StringComparison.Ordinal);
    }
}
