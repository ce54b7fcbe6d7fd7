using System.Text.Json.Nodes;
using HostStandIn;
using PecLists.Contracts;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using LocalInfra;

namespace PecLists.Functions.Tests.Loading;

/// <summary>
/// The sweeper as Azure runs it: Functions.dll behind the host stand-in, whose timer fires sweep-received and whose queue
/// listener then runs the load. The app root is the build's, copied with two changes a test needs: the schedule read from
/// an app setting (every second; the host resolves "%NAME%" in a timer schedule, TimerSchedule.Create) and a queue of its own.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class SweepThroughStandInTests(InfraFixture infra)
{
    private static readonly string AppRoot = Path.GetDirectoryName(RepoPaths.FunctionsDll)!;

    private static string WriteAppRoot(string queueName)
    {
        var root = Directory.CreateTempSubdirectory("sweep-app-").FullName;
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(AppRoot, "host.json")))!;
        host["customHandler"]!["description"]!["arguments"] = new JsonArray(RepoPaths.FunctionsDll);
        File.WriteAllText(Path.Combine(root, "host.json"), host.ToJsonString());

        var load = JsonNode.Parse(File.ReadAllText(Path.Combine(AppRoot, "load", "function.json")))!;
        load["bindings"]![0]!["queueName"] = queueName;
        Directory.CreateDirectory(Path.Combine(root, "load"));
        File.WriteAllText(Path.Combine(root, "load", "function.json"), load.ToJsonString());

        var sweep = JsonNode.Parse(File.ReadAllText(Path.Combine(AppRoot, "sweep-received", "function.json")))!;
        Assert.Equal("0 */5 * * * *", sweep["bindings"]![0]!["schedule"]!.ToString());
        sweep["bindings"]![0]!["schedule"] = "%SweepTestSchedule%";
        Directory.CreateDirectory(Path.Combine(root, "sweep-received"));
        File.WriteAllText(Path.Combine(root, "sweep-received", "function.json"), sweep.ToJsonString());
        return root;
    }

    [Fact]
    public async Task The_timer_fires_the_sweeper_and_a_crashed_ingest_then_loads()
    {
        var queueName = "q" + Guid.NewGuid().ToString("N")[..12];
        var stored = await ReceivedSweeperTests.CrashedIngestAsync(infra, await infra.NewSiteAsync());
        var lost = await ReceivedSweeperTests.CrashedIngestAsync(infra, await infra.NewSiteAsync(), withBlob: false);
        foreach (var id in new[] { stored, lost })
        {
            await ReceivedSweeperTests.AgeAsync(infra, id, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(20));
        }

        var root = WriteAppRoot(queueName);
        var ledger = new SnapshotLedger(infra.Database);
        try
        {
            await using var host = await FunctionsHostStandIn.StartAsync(new StandInOptions
            {
                ScriptRoot = root,
                AppSettings = new Dictionary<string, string?>
                {
                    ["ConnectionStrings__Central"] = infra.CentralConnection,
                    [IngestStorageOptions.Section] = infra.Azurite.ConnectionString,
                    ["Ingest__Queue"] = queueName,
                    ["SweepTestSchedule"] = "*/1 * * * * *",
                },
            });

            var (loaded, rejected) = await Eventually.UntilAsync(
                async () => ((await ledger.ReadStatusAsync(stored, CancellationToken.None))!, (await ledger.ReadStatusAsync(lost, CancellationToken.None))!),
                both => SnapshotStatuses.IsFinal(both.Item1.Status) && SnapshotStatuses.IsFinal(both.Item2.Status),
                TimeSpan.FromSeconds(60),
                "the stored and the lost snapshot both final",
                TimeSpan.FromMilliseconds(200),
                both => $"{both.Item1.Status} / {both.Item2.Status}",
                () => host.Log.Text);

            Assert.Equal(SnapshotStatuses.Loaded, loaded.Status);
            Assert.Equal(2, loaded.Rows!.Inserted);
            Assert.Equal((SnapshotStatuses.Rejected, SnapshotErrorCodes.BlobMissing), (rejected.Status, rejected.ErrorCode));
            Assert.Contains("Executed 'Functions.sweep-received' (Succeeded", host.Log.Text, StringComparison.Ordinal);
            Assert.Contains("Function.sweep-received.User: received snapshots swept: found=", host.Log.Text, StringComparison.Ordinal);
            Assert.Contains("1 timer function(s)", host.Log.Text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
