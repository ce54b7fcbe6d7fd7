using System.Text.Json;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests.FaultCampaign;

/// <summary>
/// Queue messages nobody should have written: one naming site A's snapshot but site B's blob, one naming a snapshot
/// that does not exist, and unreadable ones. The loader trusts only the bookkeeping row; what it cannot read goes to
/// the poison queue and stays there through a replay; no site's rows change.
/// </summary>
public sealed class ForgedMessageTests
{
    [Fact]
    public async Task Forged_and_malformed_messages_change_no_site_and_end_where_an_operator_sees_them()
    {
        await using var pipeline = await LocalPipeline.StartAsync(Faults.Options());
        Municipality[] sites =
        [
            await pipeline.AddMunicipalityAsync("2408102", "Natal (teste)", 2000, seed: 61),
            await pipeline.AddMunicipalityAsync("2507507", "João Pessoa (teste)", 2000, seed: 62),
        ];
        Assert.All(await Task.WhenAll(sites.Select(s => pipeline.RunUploaderAsync(s))), r => Assert.True(r.ExitCode == 0, r.Combined));
        var loaded = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1), expectedAtLeast: 2);
        var (a, b) = (loaded.Single(s => s.Site == sites[0].Ibge), loaded.Single(s => s.Site == sites[1].Ibge));
        var bBlob = await BlobOfAsync(pipeline, b.SnapshotId);
        var rowsOfB = await RowVersions.OfAsync(pipeline.CentralConnection, sites[1].Ibge);

        // Site A's next snapshot is waiting in its merge when a message arrives naming it with site B's blob.
        await Faults.ChurnSourceAsync(pipeline, sites[0], round: 1);
        await using var maintenance = new NpgsqlConnection(pipeline.CentralConnection);
        await maintenance.OpenAsync();
        var writesHeld = await Faults.HoldWritesAsync(maintenance, "hipertensos");
        var run = await pipeline.RunUploaderAsync(sites[0]);
        Assert.True(run.ExitCode == 0, run.Combined);
        await Faults.WaitForSessionAsync(pipeline, Faults.MergeDeleteWaitingOnLock, TimeSpan.FromMinutes(1));
        var pendingA = (await pipeline.SnapshotsAsync()).Single(s => s.Site == sites[0].Ibge && s.Status != "loaded").SnapshotId;

        var queue = pipeline.Queues.GetQueueClient("snapshot-loads");
        string Message(Guid id, string site, string blob) =>
            JsonSerializer.Serialize(new { snapshotId = id, site, list = "hipertensos", blob, extractedAt = SnapshotIds.Timestamp(id) });
        await queue.SendMessageAsync(Message(pendingA, sites[1].Ibge, bBlob));                         // forged: A's id, B's site and blob
        await queue.SendMessageAsync(Message(a.SnapshotId, sites[1].Ibge, bBlob));                     // forged, for a loaded snapshot
        await queue.SendMessageAsync(Message(SnapshotIds.New(DateTimeOffset.UtcNow.AddMinutes(-1)), sites[1].Ibge, bBlob)); // no such snapshot
        await queue.SendMessageAsync("DROP TABLE lists.hipertensos;");                                  // not JSON
        await queue.SendMessageAsync("""{"snapshotId":"not-a-guid","site":"2507507"}""");               // JSON, not a load reference
        await writesHeld.RollbackAsync();

        var poisoned = await WaitForPoisonCountAsync(pipeline, 2);
        Assert.All(poisoned, m => Assert.DoesNotContain("extractedAt", m, StringComparison.Ordinal));
        var replay = await pipeline.FunctionsCommandAsync(["replay", "poison"]);
        Assert.Contains("0 snapshot(s) replayed", replay.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, (await pipeline.Queues.GetQueueClient("snapshot-loads-poison").PeekMessagesAsync(32)).Value.Length);

        var snapshots = await Reconciliation.AssertAsync(pipeline, sites);
        Assert.Equal(3, snapshots.Count); // the forged unknown id created nothing
        Assert.All(snapshots, s => Assert.Equal("loaded", s.Status));
        Assert.Equal(rowsOfB, await RowVersions.OfAsync(pipeline.CentralConnection, sites[1].Ibge)); // site B untouched
        Assert.Contains("SnapshotUnknown", pipeline.FunctionsLog, StringComparison.Ordinal);
        Assert.Contains("LoadMessageMalformed", pipeline.FunctionsLog, StringComparison.Ordinal);
    }

    private static async Task<string> BlobOfAsync(LocalPipeline pipeline, Guid snapshotId)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT blob_name FROM ingest.snapshots WHERE snapshot_id = @id", connection);
        command.Parameters.AddWithValue("id", snapshotId);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<IReadOnlyList<string>> WaitForPoisonCountAsync(LocalPipeline pipeline, int count)
    {
        var poison = pipeline.Queues.GetQueueClient("snapshot-loads-poison");
        var messages = await Eventually.UntilAsync(
            async () => await poison.ExistsAsync() ? (await poison.PeekMessagesAsync(32)).Value : [],
            found => found.Length >= count, TimeSpan.FromMinutes(1), $"{count} messages in the poison queue", TimeSpan.FromMilliseconds(250),
            found => $"{found.Length} of {count} messages", () => pipeline.FunctionsLog);
        return [.. messages.Select(m => m.Body.ToString())];
    }
}
