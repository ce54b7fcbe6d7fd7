using System.Net;
using System.Security.Cryptography;
using PecLists.Contracts;
using Polly;

namespace PecLists.Uploader.Transport;

/// <summary>
/// Stages a snapshot's missing blocks straight into Blob storage with the session's SAS URI: Put Block
/// (learn.microsoft.com/rest/api/storageservices/put-block) over plain HTTP, not the Azure SDK, whose reflection-based
/// parts the NativeAOT/trimmed uploader cannot carry warning-free (docs/adr/0021). Each block is one request with its
/// own retries and a Content-MD5 that storage checks, so a block is staged whole or not at all; staged blocks survive
/// the run (uncommitted blocks are kept 7 days: learn.microsoft.com/dotnet/api/azure.storage.blobs.specialized.
/// blockblobclient.commitblocklist), so the next run sends only those still missing. The SAS URI is never put in a
/// message: exceptions from HttpClient carry no request URI.
/// </summary>
internal sealed class BlockStager(HttpClient http, ResiliencePipeline<HttpResponseMessage> pipeline)
{
    // The Blob REST version sent: one Azurite and Azure both serve (Put Block with a SAS since 2015; any recent one does).
    private const string StorageVersion = "2021-12-02";

    /// <summary>What was staged, or null when storage refused the SAS (403: expired, or another blob): ask for a new session.</summary>
    public async Task<BlockUpload?> StageMissingAsync(UploadSessionDto session, string path, byte[] sha256, long length, Action<long, long>? sent, CancellationToken ct)
    {
        var blockBytes = session.BlockBytes;
        var count = UploadBlocks.BlockCount(length, blockBytes);
        var received = session.ReceivedBlocks.Where(i => i >= 0 && i < count).ToHashSet();
        var resumed = received.Sum(i => UploadBlocks.BlockLength(length, blockBytes, i));
        long done = resumed;
        long sentBytes = 0;
        sent?.Invoke(done, length);
        var buffer = new byte[blockBytes];
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        for (var index = 0; index < count; index++)
        {
            if (received.Contains(index))
            {
                continue;
            }

            var blockLength = (int)UploadBlocks.BlockLength(length, blockBytes, index);
            file.Position = (long)index * blockBytes;
            await file.ReadExactlyAsync(buffer.AsMemory(0, blockLength), ct);
            // Not for security: Put Block's Content-MD5 is the transport check storage makes of each block (the digest of
            // the whole snapshot, SHA-256, is what ingest verifies before anything is loaded).
#pragma warning disable CA5351
            var md5 = MD5.HashData(buffer.AsSpan(0, blockLength));
#pragma warning restore CA5351
            var uri = new Uri($"{session.BlobUri}&comp=block&blockid={Uri.EscapeDataString(UploadBlocks.BlockId(sha256, index))}");
            using var response = await pipeline.ExecuteAsync(async attemptCt =>
            {
                sentBytes += blockLength;
                using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ByteArrayContent(buffer, 0, blockLength) };
                request.Content.Headers.ContentMD5 = md5;
                request.Headers.Add("x-ms-version", StorageVersion);
                return await http.SendAsync(request, attemptCt);
            }, ct);
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                return null;
            }

            // The message names the status only ("Response status code does not indicate success: 400 (…)"), never the URI.
            response.EnsureSuccessStatusCode();
            done += blockLength;
            sent?.Invoke(done, length);
        }

        return new BlockUpload(length, resumed, sentBytes);
    }
}
