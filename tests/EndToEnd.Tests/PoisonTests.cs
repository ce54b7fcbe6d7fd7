using Azure.Storage.Queues;
using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests;

/// <summary>A load that keeps failing ends in "{queue}-poison" after the configured dequeue count, as under the host.</summary>
public sealed class PoisonTests
{
    [Fact]
    public async Task A_failing_load_is_poisoned_after_max_dequeue_count_then_replay_restores_the_right_state()
    {
        var options = new LocalPipelineOptions();
        // The host's app-setting overrides of host.json, read by the host stand-in as the host reads them.
        options.WithQueueRetries(3, TimeSpan.FromSeconds(1));
        options.FunctionsEnvironment["Load__LockTimeoutSeconds"] = "1";
        // Two backed-off retries of the load function's own (1 s, then 2 s), then the host's three dequeues.
        options.FunctionsEnvironment["Load__TransientRetries"] = "2";
        options.FunctionsEnvironment["Load__TransientRetryFirstDelaySeconds"] = "1";
        await using var pipeline = await LocalPipeline.StartAsync(options);
        var site = await pipeline.AddMunicipalityAsync("4106902", "Curitiba (teste)", 500, seed: 3);

        // A maintenance job holds the list table: every load attempt times out waiting for its lock.
        await using var maintenance = new NpgsqlConnection(pipeline.CentralConnection);
        await maintenance.OpenAsync();
        await using var transaction = await maintenance.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE lists.hipertensos IN ACCESS EXCLUSIVE MODE", maintenance, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var run = await pipeline.RunUploaderAsync(site);
        Assert.True(run.ExitCode == 0, run.Combined);

        var queues = pipeline.Queues;
        var poison = queues.GetQueueClient("snapshot-loads-poison");
        var poisoned = Assert.Single(await pipeline.WaitForPoisonAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains(site.Ibge, poisoned.Body.ToString(), StringComparison.Ordinal);
        Assert.Empty((await queues.GetQueueClient("snapshot-loads").PeekMessagesAsync(32)).Value);
        var snapshot = Assert.Single(await pipeline.SnapshotsAsync());
        Assert.Equal(("failed", 5), (snapshot.Status, snapshot.Attempts));
        Assert.Contains("(retry 1 of 2)", pipeline.Host.Log.Text, StringComparison.Ordinal);
        Assert.Contains("(retry 2 of 2)", pipeline.Host.Log.Text, StringComparison.Ordinal);
        Assert.Contains("retried", snapshot.ErrorDetail, StringComparison.Ordinal);
        Assert.Contains("Moving message to queue 'snapshot-loads-poison'", pipeline.Host.Log.Text, StringComparison.Ordinal);

        // Maintenance ends; the operator looks first, then replays.
        await transaction.RollbackAsync();
        var dryRun = await pipeline.FunctionsCommandAsync(["replay", "poison", "--site", site.Ibge, "--dry-run"]);
        Assert.Contains("1 snapshot(s) would be replayed", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.Single((await poison.PeekMessagesAsync(32)).Value);
        var otherSite = await pipeline.FunctionsCommandAsync(["replay", "poison", "--site", "9999999"]);
        Assert.Contains("0 snapshot(s) replayed", otherSite.StandardOutput, StringComparison.Ordinal);

        var replay = await pipeline.FunctionsCommandAsync(["replay", "poison", "--site", site.Ibge]);

        Assert.Contains("1 snapshot(s) replayed", replay.StandardOutput, StringComparison.Ordinal);
        var loaded = Assert.Single(await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("loaded", loaded.Status);
        Assert.True((await pipeline.CompareAsync(site, "hipertensos")).Equal);
        Assert.Empty((await poison.PeekMessagesAsync(32)).Value);

        // Replaying from blob storage, three times, changes nothing: every replayed load is a no-op.
        var before = await RowVersions.OfAsync(pipeline.CentralConnection, site.Ibge);
        for (var i = 1; i <= 3; i++)
        {
            var fromBlobs = await pipeline.FunctionsCommandAsync(["replay", "blobs", "--site", site.Ibge, "--list", "hipertensos"]);
            Assert.Contains("1 snapshot(s) replayed", fromBlobs.StandardOutput, StringComparison.Ordinal);
        }

        await Eventually.UntilAsync(
            () => CountLines(pipeline.Host.Log.Text, "SnapshotAlreadyFinal"), n => n >= 3, TimeSpan.FromMinutes(1), "the three replayed messages processed (SnapshotAlreadyFinal)",
            TimeSpan.FromMilliseconds(250), n => $"{n} SnapshotAlreadyFinal line(s)", () => pipeline.Host.Log.Text);

        Assert.Equal(before, await RowVersions.OfAsync(pipeline.CentralConnection, site.Ibge));
        Assert.Equal("loaded", Assert.Single(await pipeline.SnapshotsAsync()).Status);
    }

    private static int CountLines(string text, string marker) =>
        text.Split('\n').Count(l => l.Contains(marker, StringComparison.Ordinal));
}
