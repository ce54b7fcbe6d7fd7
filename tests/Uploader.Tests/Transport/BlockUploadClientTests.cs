using System.Net;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;
using LocalInfra;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

/// <summary>
/// The uploader's side of the block path (docs/adr/0021) against a stub that plays both the backend and Blob storage:
/// sessions, Put Block with the session's SAS, commit.
/// </summary>
public sealed class BlockUploadClientTests : IDisposable
{
    private const string Token = "tok-2304400-secret";
    private const int BlockBytes = 8;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_SAS_refused_mid_upload_opens_a_new_session_that_sends_only_the_blocks_still_missing()
    {
        var snapshot = await new Spool(_dir.Combine("spool")).WriteAsync("2304400", "hipertensos", SnapshotIds.New(DateTimeOffset.UtcNow),
            async s => await s.WriteAsync(Gzip.Compress("id_cidadao,no_cidadao\n1,João da Conceição\n2,\"Silva, Maria\"\n")));
        var sessions = 0;
        var staged = new Dictionary<string, int>(StringComparer.Ordinal); // block id → times staged
        var commits = 0;
        await using var stub = await StubBackend.StartAsync(async (context, request) =>
        {
            var query = context.Request.Query;
            if (request.Path.EndsWith("/upload-session", StringComparison.Ordinal))
            {
                var session = Interlocked.Increment(ref sessions);
                var declared = JsonSerializer.Deserialize(request.Body, ContractsJsonContext.Default.UploadSessionRequestDto)!;
                Assert.True(ContentDigest.TryParseSha256(declared.Digest, out var sha));
                var received = Enumerable.Range(0, UploadBlocks.BlockCount(declared.Length, BlockBytes)).Where(i => staged.ContainsKey(UploadBlocks.BlockId(sha, i))).ToList();
                var dto = new UploadSessionDto($"{context.Request.Scheme}://{context.Request.Host}/blob/staging?sv=1&sp=w&sig=s{session}", BlockBytes, DateTimeOffset.UtcNow.AddMinutes(1), received);
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(dto, ContractsJsonContext.Default.UploadSessionDto));
            }
            else if (request.Path == "/blob/staging")
            {
                // The first session's SAS "expires" after two blocks.
                if (query["sig"] == "s1" && staged.Count >= 2)
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }

                Assert.InRange(request.Body.Length, 1, BlockBytes);
                staged[query["blockid"].ToString()] = staged.GetValueOrDefault(query["blockid"].ToString()) + 1;
                context.Response.StatusCode = StatusCodes.Status201Created;
            }
            else if (request.Path.EndsWith("/commit", StringComparison.Ordinal))
            {
                commits++;
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });
        using var client = new BackendClient(stub.Endpoint.ToString(), new UploadConfig { MaxAttempts = 2, FirstRetryDelaySeconds = 0.05, AttemptTimeoutSeconds = 10, BlockUploadAboveBytes = 0 });

        var result = await client.UploadAsync(Token, snapshot, CancellationToken.None);

        var length = new FileInfo(snapshot.Path).Length;
        var count = UploadBlocks.BlockCount(length, BlockBytes);
        Assert.Equal(UploadOutcome.Accepted, result.Outcome);
        Assert.Equal(2, sessions);
        Assert.Equal(1, commits);
        Assert.Equal(count, staged.Count);
        Assert.All(staged.Values, times => Assert.Equal(1, times)); // none staged twice: the second session skipped the first two
        Assert.Equal(new BlockUpload(length, 2 * BlockBytes, length - (2 * BlockBytes)), result.Blocks);
        Assert.DoesNotContain(stub.Requests, r => r.Path.StartsWith("/api/", StringComparison.Ordinal) && r.Header("Authorization") is null);
        Assert.All(stub.Requests.Where(r => r.Path == "/blob/staging"), r => Assert.Null(r.Header("Authorization"))); // the site token never goes to storage
    }
}
