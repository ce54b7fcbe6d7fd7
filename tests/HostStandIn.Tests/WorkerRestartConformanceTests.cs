namespace HostStandIn.Tests;

/// <summary>
/// The host starts the custom handler again when its process exits, twice within 30 minutes, and shuts down at the
/// third exit (host: Workers/Http/HttpFunctionInvocationDispatcher.WorkerError / RestartWorkerChannel).
/// </summary>
public sealed class WorkerRestartConformanceTests
{
    [Fact]
    public async Task A_killed_handler_is_started_again_on_the_same_port_and_the_third_exit_stops_the_host()
    {
        await using var app = await EchoApp.StartAsync(functions: [("items", EchoApp.HttpFunction("items/{id:int}", "get"))]);
        var port = app.Host.HandlerPort;

        for (var restart = 1; restart <= 2; restart++)
        {
            app.Host.KillHandler();
            await app.WaitUntilAsync(() => app.Host.HandlerRestarts == restart, $"handler restart {restart}");
            Assert.Equal(port, app.Host.HandlerPort);
            using var response = await app.Http.GetAsync(app.Url("api/items/7"));
            Assert.True(response.IsSuccessStatusCode, $"after restart {restart}: {(int)response.StatusCode}");
            Assert.False(app.Host.HandlerExited);
        }

        app.Host.KillHandler();
        await app.WaitUntilAsync(() => app.Host.HandlerExited, "the host to give up on the handler after the third exit");
        Assert.Equal(2, app.Host.HandlerRestarts);
        Assert.Contains("Exceeded http worker restart retry count. Shutting down Functions Host", app.Host.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_further_apart_than_the_threshold_start_a_new_bucket()
    {
        var clock = new ManualClock();
        var policy = new WorkerRestartPolicy(clock);

        Assert.True(policy.RecordErrorAndDecide());
        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.True(policy.RecordErrorAndDecide());
        clock.Advance(WorkerRestartPolicy.ThresholdBetweenRestarts + TimeSpan.FromSeconds(1));
        Assert.True(policy.RecordErrorAndDecide()); // the bucket was emptied: this is error 1 again
        Assert.True(policy.RecordErrorAndDecide());
        Assert.False(policy.RecordErrorAndDecide()); // third within 30 minutes
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
