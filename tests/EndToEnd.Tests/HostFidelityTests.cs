using System.IO.Compression;
using System.Text;
using Azure.Storage.Blobs;
using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests;

/// <summary>
/// Through the host stand-in, as under the Functions host in Azure: a real list of several MB of accented names goes
/// through HTTP forwarding (which drops Content-Encoding) and the host's queue invocation (a double-encoded message),
/// and loads; a queue message the load function cannot read ends in the poison queue instead of vanishing.
/// </summary>
public sealed class HostFidelityTests
{
    [Fact]
    public async Task A_several_MB_snapshot_of_accented_names_loads_and_a_malformed_message_is_poisoned()
    {
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions().WithQueueRetries(2, TimeSpan.FromSeconds(1)));
        var site = await pipeline.AddMunicipalityAsync("2611606", "Recife (teste)", 80000, seed: 11);

        var run = await pipeline.RunUploaderAsync(site);
        Assert.True(run.ExitCode == 0, run.Combined);
        var snapshot = Assert.Single(await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3)));
        Assert.Equal(("loaded", 1), (snapshot.Status, snapshot.Attempts));

        // The stored snapshot is what the uploader sent: several MB of CSV, rich in multi-byte characters.
        var csv = await DownloadCsvAsync(pipeline, snapshot.SnapshotId);
        Assert.True(csv.Length >= 5_000_000, $"the snapshot is {csv.Length} bytes of CSV; at least 5 MB wanted");
        Assert.True(Encoding.UTF8.GetString(csv).Count(c => c > 127) > 10_000, "too few accented characters to cross many buffer boundaries");
        Assert.True((await pipeline.CompareAsync(site, "hipertensos")).Equal);

        // A message that is not a load reference: under the host a 2xx would delete it; it must reach the poison queue.
        await pipeline.Queues.GetQueueClient("snapshot-loads").SendMessageAsync("""{"snapshotId":"not-a-uuid","blob":"../../etc"}""");

        var poisoned = Assert.Single(await pipeline.WaitForPoisonAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("not-a-uuid", poisoned.Body.ToString(), StringComparison.Ordinal);
        Assert.Contains("LoadMessageMalformed", pipeline.Host.Log.Text, StringComparison.Ordinal);
        Assert.Single(await pipeline.SnapshotsAsync()); // nothing else was recorded or applied
    }

    private static async Task<byte[]> DownloadCsvAsync(LocalPipeline pipeline, Guid snapshotId)
    {
        await using var central = new NpgsqlConnection(pipeline.CentralConnection);
        await central.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT blob_name FROM ingest.snapshots WHERE snapshot_id = @id", central);
        command.Parameters.AddWithValue("id", snapshotId);
        var blobName = (string)(await command.ExecuteScalarAsync())!;

        var blob = new BlobServiceClient(pipeline.Storage.ConnectionString).GetBlobContainerClient("snapshots").GetBlobClient(blobName);
        await using var compressed = await blob.OpenReadAsync();
        await using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var csv = new MemoryStream();
        await gzip.CopyToAsync(csv);
        return csv.ToArray();
    }
}
