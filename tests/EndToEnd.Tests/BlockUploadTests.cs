using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests;

/// <summary>
/// Snapshots sent in blocks through an upload session (docs/adr/0021), end to end: the real uploader executable, the
/// function app behind the host stand-in, Azurite, with sites reaching Blob storage through a relay that counts (and
/// can pace) what they send. Blocks are 64 KiB and every snapshot goes in blocks, so a snapshot of a few MB has dozens.
/// </summary>
public sealed class BlockUploadTests
{
    private const int BlockBytes = 64 * 1024;

    // Per Put Block request: request line with the SAS, headers. Generous: the proof below needs far more than this saved.
    private const int RequestOverheadBytes = 2048;

    private static LocalPipelineOptions Options()
    {
        var options = new LocalPipelineOptions { SiteBlobRelay = true, UploadBlockAboveBytes = 0 };
        options.FunctionsEnvironment["Ingest__UploadBlockBytes"] = BlockBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return options;
    }

    [Fact]
    public async Task A_run_killed_mid_upload_is_resumed_by_the_next_run_from_the_staged_blocks_and_the_snapshot_loads_whole()
    {
        await using var pipeline = await LocalPipeline.StartAsync(Options());
        var site = await pipeline.AddMunicipalityAsync("3550308", "São Paulo (teste)", 40_000, seed: 24);
        var relay = pipeline.BlobRelay!;

        // A slow uplink, so the kill lands mid-upload: killed once some blocks are staged in Azurite.
        relay.UpstreamBytesPerSecond = 256 * 1024;
        await using (var first = ChildProcess.Start("dotnet", [RepoPaths.UploaderDll, "run", "--config", site.ConfigPath], UploaderLocale.Environment(UploaderLocale.English)))
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    var staged = await StagedAsync(pipeline, atLeastBlocks: 6);
                    Assert.False(staged.Bytes is null && first.HasExited, "the uploader ended before it staged enough blocks:\n" + first.Output);
                    return staged;
                },
                staged => staged.Bytes is not null, TimeSpan.FromMinutes(3), "6 uncommitted blocks in a staging blob", TimeSpan.FromMilliseconds(50),
                staged => $"at most {staged.MostBlocks} block(s) in a staging blob", () => first.Output + "\n" + pipeline.FunctionsLog);
        } // killed (the whole process tree, SIGKILL)

        // Read once the relay delivered what the killed process had already sent: a block may land after the kill.
        await Eventually.UntilAsync(
            () => relay.OpenConnections, open => open == 0, TimeSpan.FromMinutes(1), "the relayed connections to close after the kill", TimeSpan.FromMilliseconds(50),
            open => $"{open} relayed connection(s) still open");

        var afterKill = await StagedAsync(pipeline, atLeastBlocks: 6);
        Assert.True(afterKill.Bytes is not null, $"at most {afterKill.MostBlocks} block(s) in a staging blob after the kill, fewer than the 6 seen before it");
        var stagedBeforeKill = afterKill.Bytes.Value;

        var spooled = Assert.Single(Directory.GetFiles(Path.Combine(site.SpoolDirectory, site.Ibge), "*.csv.gz", SearchOption.AllDirectories));
        var firstLength = new FileInfo(spooled).Length;
        var firstId = Guid.Parse(Path.GetFileName(spooled)[..36]);
        Assert.True(firstLength > 10 * BlockBytes, $"the snapshot ({firstLength} bytes) should span many blocks");
        Assert.True(stagedBeforeKill < firstLength, "killed before every block was staged");
        Assert.Empty(await pipeline.SnapshotsAsync());

        // The next run, at full speed: the killed snapshot first (spooled), then today's.
        relay.UpstreamBytesPerSecond = null;
        relay.ResetCount();
        var second = await pipeline.RunUploaderAsync(site);
        Assert.True(second.ExitCode == 0, second.Combined);
        Assert.True(
            second.Combined.Contains($"{firstId} accepted (sent in blocks: {firstLength} bytes, {stagedBeforeKill} already at the backend", StringComparison.Ordinal),
            second.Combined);

        var rows = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(2), expectedAtLeast: 2);
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { SnapshotStatuses.Loaded, SnapshotStatuses.Skipped }));
        Assert.Equal(SnapshotStatuses.Loaded, rows.Single(r => r.SnapshotId == firstId).Status);
        var lengths = await CompressedBytesAsync(pipeline);
        Assert.Equal(firstLength, lengths[firstId]);
        var secondLength = lengths.Single(l => l.Key != firstId).Value;

        // What the link carried in the second run: the killed snapshot's missing blocks and the whole new one, not the
        // killed one from zero. Every byte of the bodies, plus at most RequestOverheadBytes per block request.
        var sentBody = firstLength - stagedBeforeKill + secondLength;
        var requests = UploadBlocks.BlockCount(firstLength, BlockBytes) + UploadBlocks.BlockCount(secondLength, BlockBytes);
        Assert.InRange(relay.UpstreamBytes, sentBody, sentBody + (requests * RequestOverheadBytes));
        Assert.True(relay.UpstreamBytes < firstLength + secondLength, $"{relay.UpstreamBytes} bytes sent: the staged blocks were sent again");

        // Loaded whole: the central list equals the source.
        var comparison = await pipeline.CompareAsync(site, "hipertensos");
        Assert.True(comparison.Equal, comparison.ToString());

        // The SAS is a credential: neither the uploader's output and log nor the function app's log carries one.
        Assert.DoesNotContain("sig=", second.Combined, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", File.ReadAllText(Path.Combine(Path.GetDirectoryName(site.SpoolDirectory)!, "logs", "uploader.log")), StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", pipeline.FunctionsLog, StringComparison.Ordinal);

        // Nothing is left in staging once committed.
        Assert.Empty(await StagingBlobsAsync(pipeline, BlobStates.Uncommitted));
    }

    [Fact]
    public async Task A_session_SAS_writes_its_own_staging_blob_only_and_another_site_cannot_commit_it_nor_stage_other_content_under_its_digest()
    {
        await using var pipeline = await LocalPipeline.StartAsync(Options());
        var siteA = await pipeline.AddMunicipalityAsync("3304557", "Rio de Janeiro (teste)", 100, seed: 1);
        var siteB = await pipeline.AddMunicipalityAsync("3106200", "Belo Horizonte (teste)", 100, seed: 2);
        using var http = new HttpClient { BaseAddress = pipeline.Endpoint };

        var content = Gzip("anything,at,all\n1,2,3\n");
        var snapshotId = SnapshotIds.New(DateTimeOffset.UtcNow);
        var declared = Declared(content, snapshotId);

        using var opened = await PostAsync(http, siteA.Token, ApiRoutes.UploadSessionPath("hipertensos", snapshotId), declared);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("no-store", opened.Headers.CacheControl?.ToString());
        var session = (await opened.Content.ReadFromJsonAsync(ContractsJsonContext.Default.UploadSessionDto))!;
        Assert.Empty(session.ReceivedBlocks);
        var sas = new Uri(session.BlobUri);
        Assert.Contains($"/uploads/{siteA.Ibge}/hipertensos/{snapshotId:D}.csv.gz", sas.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("sp=w&", sas.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", pipeline.FunctionsLog, StringComparison.Ordinal);

        var blockId = UploadBlocks.BlockId(SHA256.HashData(content), 0);
        using var blob = new HttpClient();
        Assert.Equal(HttpStatusCode.Created, await PutBlockAsync(blob, sas, blockId, content));

        // The same SAS on another snapshot of the site, another list, another site, or the snapshot's real blob: refused by storage.
        var otherId = SnapshotIds.New(DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(HttpStatusCode.Forbidden, await PutBlockAsync(blob, Retarget(sas, snapshotId.ToString("D"), otherId.ToString("D")), blockId, content));
        Assert.Equal(HttpStatusCode.Forbidden, await PutBlockAsync(blob, Retarget(sas, "/hipertensos/", "/diabeticos/"), blockId, content));
        Assert.Equal(HttpStatusCode.Forbidden, await PutBlockAsync(blob, Retarget(sas, $"/uploads/{siteA.Ibge}/", $"/uploads/{siteB.Ibge}/"), blockId, content));
        Assert.Equal(HttpStatusCode.Forbidden, await PutBlockAsync(blob, Retarget(sas, $"/uploads/{siteA.Ibge}/hipertensos/", $"/{siteA.Ibge}/hipertensos/2026/01/01/"), blockId, content));

        // Write-only: it cannot read what it wrote, nor list the blocks.
        using (var read = await blob.GetAsync(new Uri(sas + "&comp=blocklist&blocklisttype=all")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        }

        // Another site's token, for the same list and id: its own staging blob is empty, so nothing is committed.
        using (var foreign = await PostAsync(http, siteB.Token, ApiRoutes.UploadCommitPath("hipertensos", snapshotId), declared))
        {
            Assert.Equal(HttpStatusCode.Conflict, foreign.StatusCode);
            Assert.Contains(ProblemCodes.UploadIncomplete, await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Single(await StagingBlobsAsync(pipeline, BlobStates.Uncommitted), b => b.Contains(siteA.Ibge, StringComparison.Ordinal));

        // Site A stages some content under the block ids of other content's digest: the commit reads the blob and refuses it.
        var claimed = content.ToArray();
        claimed[^6] ^= 0xFF; // same length, another digest
        var claimedId = SnapshotIds.New(DateTimeOffset.UtcNow.AddSeconds(2));
        var claimedDeclared = Declared(claimed, claimedId);
        using (var other = await PostAsync(http, siteA.Token, ApiRoutes.UploadSessionPath("hipertensos", claimedId), claimedDeclared))
        {
            var otherSession = (await other.Content.ReadFromJsonAsync(ContractsJsonContext.Default.UploadSessionDto))!;
            Assert.Equal(HttpStatusCode.Created, await PutBlockAsync(blob, new Uri(otherSession.BlobUri), UploadBlocks.BlockId(SHA256.HashData(claimed), 0), content));
        }

        using (var commit = await PostAsync(http, siteA.Token, ApiRoutes.UploadCommitPath("hipertensos", claimedId), claimedDeclared))
        {
            Assert.Equal(HttpStatusCode.BadRequest, commit.StatusCode);
            Assert.Contains(ProblemCodes.BadDigest, await commit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await pipeline.SnapshotsAsync());
        Assert.DoesNotContain(await StagingBlobsAsync(pipeline, BlobStates.None), b => b.Contains(claimedId.ToString("D"), StringComparison.Ordinal));
    }

    private static UploadSessionRequestDto Declared(byte[] content, Guid snapshotId) =>
        new(ContentDigest.Format(SHA256.HashData(content)), content.Length, SnapshotUploadRequest.FormatExtractedAt(SnapshotIds.Timestamp(snapshotId)));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string token, string path, UploadSessionRequestDto body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Relative(path))
        {
            Content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body, ContractsJsonContext.Default.UploadSessionRequestDto)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    private static async Task<HttpStatusCode> PutBlockAsync(HttpClient http, Uri sas, string blockId, byte[] content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{sas}&comp=block&blockid={Uri.EscapeDataString(blockId)}")) { Content = new ByteArrayContent(content) };
        request.Headers.Add("x-ms-version", "2021-12-02");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static Uri Retarget(Uri sas, string from, string to)
    {
        var retargeted = new Uri(sas.ToString().Replace(from, to, StringComparison.Ordinal));
        Assert.NotEqual(sas, retargeted);
        return retargeted;
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private static BlobContainerClient Container(LocalPipeline pipeline) => new BlobServiceClient(pipeline.Storage.ConnectionString).GetBlobContainerClient("snapshots");

    private static async Task<List<string>> StagingBlobsAsync(LocalPipeline pipeline, BlobStates states)
    {
        var names = new List<string>();
        if (!await Container(pipeline).ExistsAsync())
        {
            return names;
        }

        await foreach (var item in Container(pipeline).GetBlobsAsync(BlobTraits.None, states, "uploads/", CancellationToken.None))
        {
            names.Add(item.Name);
        }

        return names;
    }

    /// <summary>
    /// The bytes of the first staging blob holding <paramref name="atLeastBlocks"/> uncommitted blocks (null if none does),
    /// and the most uncommitted blocks any staging blob holds.
    /// </summary>
    private static async Task<(long? Bytes, int MostBlocks)> StagedAsync(LocalPipeline pipeline, int atLeastBlocks)
    {
        var most = 0;
        foreach (var name in await StagingBlobsAsync(pipeline, BlobStates.Uncommitted))
        {
            var blocks = (await Container(pipeline).GetBlockBlobClient(name).GetBlockListAsync(BlockListTypes.Uncommitted)).Value.UncommittedBlocks.ToList();
            if (blocks.Count >= atLeastBlocks)
            {
                return (blocks.Sum(b => b.SizeLong), blocks.Count);
            }

            most = Math.Max(most, blocks.Count);
        }

        return (null, most);
    }

    private static async Task<Dictionary<Guid, long>> CompressedBytesAsync(LocalPipeline pipeline)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT snapshot_id, compressed_bytes FROM ingest.snapshots", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lengths = new Dictionary<Guid, long>();
        while (await reader.ReadAsync())
        {
            lengths[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        return lengths;
    }
}
