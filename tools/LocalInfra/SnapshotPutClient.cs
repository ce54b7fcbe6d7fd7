using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using PecLists.Contracts;

namespace LocalInfra;

/// <summary>
/// Sends snapshots the way the uploader does (uploader/Transport/BackendClient.UploadAsync): a gzip CSV PUT to the
/// snapshot route with Content-Digest, X-Extracted-At and an id that is the UUIDv7 of that time. A 429 or 503 is
/// retried after its Retry-After, as the uploader's retry pipeline does; every loop is bounded by attempts.
/// For load tests and benchmarks that need many more PUTs than starting uploader processes allows.
/// </summary>
public sealed class SnapshotPutClient : IDisposable
{
    private readonly HttpClient _http;

    public SnapshotPutClient(Uri endpoint, int connections)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
        {
            BaseAddress = endpoint,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    /// <summary>The CSV gzipped as the uploader's default level does.</summary>
    public static byte[] Gzip(string csv, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(csv));
        }

        return output.ToArray();
    }

    public Task<PutOutcome> PutAsync(string token, string list, byte[] gzip, DateTimeOffset extractedAt, int maxAttempts = 20, CancellationToken ct = default) =>
        // The id carries the time to the millisecond; the header says the same millisecond.
        PutAsync(token, list, gzip, SnapshotIds.New(DateTimeOffset.FromUnixTimeMilliseconds(extractedAt.ToUnixTimeMilliseconds())), maxAttempts, ct);

    /// <summary>PUTs a snapshot under a given id (e.g. a spooled file's), its X-Extracted-At read from the id.</summary>
    public async Task<PutOutcome> PutAsync(string token, string list, byte[] gzip, Guid id, int maxAttempts = 20, CancellationToken ct = default)
    {
        var extractedAt = SnapshotIds.Timestamp(id);
        var digest = ContentDigest.Format(SHA256.HashData(gzip));
        var total = Stopwatch.StartNew();
        var refusals = 0;
        for (var attempt = 1; ; attempt++)
        {
            using var request = SnapshotUploadRequest.Create(token, list, id, extractedAt, new ByteArrayContent(gzip), digest);
            var clock = Stopwatch.StartNew();
            int status;
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await _http.SendAsync(request, ct);
                status = (int)response.StatusCode;
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (HttpRequestException)
            {
                status = 0;
            }

            var seconds = clock.Elapsed.TotalSeconds;
            if (status is 0 or 429 or 503 && attempt < maxAttempts)
            {
                refusals++;
                await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1), ct);
                continue;
            }

            return new PutOutcome(id, status, seconds, total.Elapsed.TotalSeconds, refusals);
        }
    }

    public void Dispose() => _http.Dispose();
}
