using Azure.Storage.Queues;
using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests;

/// <summary>A load that keeps failing ends in "{queue}-poison" after the configured dequeue count, as under the host.</summary>
public sealed class PoisonTests
{
    [Fact]
    public async Task A_message_that_keeps_failing_is_moved_to_the_poison_queue_after_max_dequeue_count()
    {
        var options = new LocalPipelineOptions();
        // The host's app-setting overrides of host.json, read by the local dispatcher like the host does.
        options.FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__maxDequeueCount"] = "3";
        options.FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:01";
        options.FunctionsEnvironment["Load__LockTimeoutSeconds"] = "1";
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

        var queues = new QueueServiceClient(pipeline.Storage.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var poison = queues.GetQueueClient("snapshot-loads-poison");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!(await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "nothing reached the poison queue:\n" + pipeline.Functions.Output);
            await Task.Delay(250);
        }

        var poisoned = Assert.Single((await poison.PeekMessagesAsync(32)).Value);
        Assert.Contains(site.Ibge, poisoned.Body.ToString(), StringComparison.Ordinal);
        Assert.Empty((await queues.GetQueueClient("snapshot-loads").PeekMessagesAsync(32)).Value);
        var snapshot = Assert.Single(await pipeline.SnapshotsAsync());
        Assert.Equal(("failed", 3), (snapshot.Status, snapshot.Attempts));
        Assert.Contains("retried", snapshot.ErrorDetail, StringComparison.Ordinal);
        Assert.Contains("Moving message to queue 'snapshot-loads-poison'", pipeline.Functions.Output, StringComparison.Ordinal);
        await transaction.RollbackAsync();
    }
}
