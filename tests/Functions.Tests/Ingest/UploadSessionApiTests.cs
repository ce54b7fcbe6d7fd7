using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>
/// The block path's HTTP contract (docs/adr/0021) over a real socket, with the real central database and Azurite: a
/// session, blocks staged with its SAS, the commit checked as a PUT. Blocks of 4 KiB, so a small body has several.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class UploadSessionApiTests(InfraFixture infra) : IAsyncLifetime
{
    private const int BlockBytes = 4096;
    private static readonly DateTimeOffset Extracted = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    private readonly string _queue = "q" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = "c" + Guid.NewGuid().ToString("N")[..12];
    private readonly HttpClient _storage = new();
    private InProcessApp _app = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _app = await InProcessApp.StartAsync(
            infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}", $"--Ingest:UploadBlockBytes={BlockBytes}", "--Ingest:MaxSessionCompressedBytes=1000000");
        var site = await infra.NewSiteAsync();
        _token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;
    }

    public async Task DisposeAsync()
    {
        _storage.Dispose();
        await _app.DisposeAsync();
    }

    // Incompressible rows, so the gzip body spans several blocks.
    private static byte[] Body() => Csv.Gzip(Csv.Rows([.. Enumerable.Range(1, 400).Select(i => $"{i},{Convert.ToHexString(RandomNumberGenerator.GetBytes(16))},1950-01-02,t,70.5")]));

    private static UploadSessionRequestDto Declared(byte[] body, long? length = null) =>
        new(Csv.Digest(body), length ?? body.Length, SnapshotUploadRequest.FormatExtractedAt(Extracted));

    private async Task<HttpResponseMessage> PostAsync(string path, UploadSessionRequestDto? body, string? raw = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(raw is null ? JsonSerializer.SerializeToUtf8Bytes(body!, ContractsJsonContext.Default.UploadSessionRequestDto) : System.Text.Encoding.UTF8.GetBytes(raw)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return await _app.Http.SendAsync(request);
    }

    private async Task<UploadSessionDto> OpenAsync(Guid id, byte[] body)
    {
        using var response = await PostAsync(ApiRoutes.UploadSessionPath("pacientes_teste", id), Declared(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.UploadSessionDto))!;
    }

    private async Task StageAsync(UploadSessionDto session, byte[] body, int index, int? length = null)
    {
        var offset = index * session.BlockBytes;
        var size = length ?? (int)UploadBlocks.BlockLength(body.Length, session.BlockBytes, index);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{session.BlobUri}&comp=block&blockid={Uri.EscapeDataString(UploadBlocks.BlockId(SHA256.HashData(body), index))}")
        {
            Content = new ByteArrayContent(body, offset, size),
        };
        request.Headers.Add("x-ms-version", "2021-12-02");
        using var response = await _storage.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Blocks_staged_with_the_session_SAS_and_committed_are_stored_queued_once_and_the_staging_blob_is_gone()
    {
        var id = SnapshotIds.New(Extracted);
        var body = Body();
        var session = await OpenAsync(id, body);
        var count = UploadBlocks.BlockCount(body.Length, BlockBytes);
        Assert.True(count >= 3, $"{body.Length} bytes in {count} blocks");
        Assert.Equal(BlockBytes, session.BlockBytes);
        Assert.Empty(session.ReceivedBlocks);

        for (var i = 0; i < count; i++)
        {
            await StageAsync(session, body, i);
        }

        using var commit = await PostAsync(ApiRoutes.UploadCommitPath("pacientes_teste", id), Declared(body));

        Assert.Equal(HttpStatusCode.Accepted, commit.StatusCode);
        Assert.Equal(ApiRoutes.SnapshotStatusPath(id), commit.Headers.Location?.ToString());
        Assert.Equal(1, await infra.QueuedCountAsync(_queue));
        Assert.Equal(1, await infra.BlobCountAsync(_container)); // the snapshot's blob; the staging blob was deleted

        // Asked again (its answer lost): the same 202, nothing queued twice, no session.
        using var again = await PostAsync(ApiRoutes.UploadSessionPath("pacientes_teste", id), Declared(body));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        using var commitAgain = await PostAsync(ApiRoutes.UploadCommitPath("pacientes_teste", id), Declared(body));
        Assert.Equal(HttpStatusCode.Accepted, commitAgain.StatusCode);
        Assert.Equal(1, await infra.QueuedCountAsync(_queue));
    }

    [Fact]
    public async Task A_new_session_lists_the_blocks_already_staged_with_the_right_size_only_and_a_commit_with_one_missing_is_refused()
    {
        var id = SnapshotIds.New(Extracted);
        var body = Body();
        var session = await OpenAsync(id, body);
        await StageAsync(session, body, 0);
        await StageAsync(session, body, 2, length: 10); // the right id, the wrong size

        var resumed = await OpenAsync(id, body);

        Assert.Equal([0], resumed.ReceivedBlocks);
        using var commit = await PostAsync(ApiRoutes.UploadCommitPath("pacientes_teste", id), Declared(body));
        await AssertProblem(commit, HttpStatusCode.Conflict, ProblemCodes.UploadIncomplete);
        Assert.Equal(0, await infra.QueuedCountAsync(_queue));
    }

    [Fact]
    public async Task A_session_above_the_largest_snapshot_is_413_too_large_and_a_malformed_request_is_400()
    {
        var id = SnapshotIds.New(Extracted);
        var body = Body();

        using var tooLarge = await PostAsync(ApiRoutes.UploadSessionPath("pacientes_teste", id), Declared(body, length: 1_000_001));
        await AssertProblem(tooLarge, HttpStatusCode.RequestEntityTooLarge, ProblemCodes.TooLarge);

        using var malformed = await PostAsync(ApiRoutes.UploadSessionPath("pacientes_teste", id), null, raw: "{\"digest\": 3");
        await AssertProblem(malformed, HttpStatusCode.BadRequest, ProblemCodes.BadUploadSession);

        using var empty = await PostAsync(ApiRoutes.UploadSessionPath("pacientes_teste", id), Declared(body, length: 0));
        await AssertProblem(empty, HttpStatusCode.BadRequest, ProblemCodes.BadUploadSession);

        using var unknown = await PostAsync(ApiRoutes.UploadSessionPath("no_such_list", id), Declared(body));
        await AssertProblem(unknown, HttpStatusCode.NotFound, ProblemCodes.UnknownList);

        using var otherTime = await PostAsync(ApiRoutes.UploadSessionPath("pacientes_teste", SnapshotIds.New(Extracted.AddSeconds(1))), Declared(body));
        await AssertProblem(otherTime, HttpStatusCode.BadRequest, ProblemCodes.BadSnapshotId);
    }
}
