using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>
/// A load outlives functionTimeout (its merge waits on a table held by maintenance): the host restarts the whole worker
/// (WebScriptHostExceptionHandler.OnTimeoutExceptionAsync), which ends every invocation in flight on the instance, other
/// sites' uploads and loads included. Time is scaled: functionTimeout 10 s through the host's own app-setting override.
/// </summary>
public sealed class FunctionTimeoutTests
{
    [Fact]
    public async Task A_functionTimeout_restart_in_the_middle_of_loads_and_uploads_loses_nothing()
    {
        var options = Faults.Options();
        options.FunctionsEnvironment["AzureFunctionsJobHost__functionTimeout"] = "00:00:10";
        await using var pipeline = await LocalPipeline.StartAsync(options);
        var held = await pipeline.AddMunicipalityAsync("5300108", "Brasília (teste)", 20_000, seed: 11);
        var other = await pipeline.AddMunicipalityAsync("2611606", "Recife (teste)", 20_000, seed: 12);
        var first = await pipeline.RunUploaderAsync(held);
        Assert.True(first.ExitCode == 0, first.Combined);
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1));

        // The next day maintenance holds writes on the list's table: the held site's load waits past functionTimeout.
        await Faults.ChurnSourceAsync(pipeline, held, round: 1);
        await using var maintenance = new NpgsqlConnection(pipeline.CentralConnection);
        await maintenance.OpenAsync();
        var writesHeld = await Faults.HoldWritesAsync(maintenance, "hipertensos");
        var run = await pipeline.RunUploaderAsync(held);
        Assert.True(run.ExitCode == 0, run.Combined);
        await Faults.WaitForSessionAsync(pipeline, "wait_event_type = 'Lock'", TimeSpan.FromMinutes(1));

        // Meanwhile the other site uploads, again and again, until the host has restarted the worker under it.
        var restarted = false;
        var otherRuns = 0;
        while (!restarted)
        {
            var upload = await pipeline.RunUploaderAsync(other);
            Assert.True(upload.ExitCode == 0, upload.Combined);
            otherRuns++;
            restarted = pipeline.FunctionsLog.Contains("A function timeout has occurred. Restarting worker process", StringComparison.Ordinal);
            Assert.True(otherRuns < 20, "no functionTimeout restart:\n" + pipeline.FunctionsLog);
        }

        await writesHeld.RollbackAsync();

        // The host logs the timeout before it restarts the worker; the stand-in counts a restart once the new worker is
        // ready (as the host's channel is initialised again), which can be after the upload that saw the log line.
        await Eventually.UntilAsync(
            () => pipeline.Host.HandlerRestarts, restarts => restarts >= 1, TimeSpan.FromSeconds(60), "the worker to come back after the functionTimeout restart",
            TimeSpan.FromMilliseconds(20), restarts => $"{restarts} handler restart(s)", () => pipeline.FunctionsLog);

        Assert.False(pipeline.Host.HandlerExited); // a timeout restart is not a worker error

        var snapshots = await Reconciliation.AssertAsync(pipeline, [held, other]);
        Assert.All(snapshots, s => Assert.Contains(s.Status, new[] { "loaded", "skipped" }));
        Assert.Contains(snapshots, s => s.Attempts >= 2); // the load cut off by the restart ran again
    }
}
