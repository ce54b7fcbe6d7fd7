using System.IO.Compression;
using System.Text;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Transport;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests.Pipeline;

/// <summary>
/// The run pipeline with a source that is not a database: what the next source kinds (HTTP APIs) will be to it. The
/// backend is the stub HTTP server; the spool is a real folder.
/// </summary>
public sealed class UploadRunTests : IDisposable
{
    private const string Site = PipelineRuns.Site;
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 14, 15, 926, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_source_of_another_kind_is_extracted_spooled_and_sent_as_it_wrote_it_with_the_id_of_the_runs_clock()
    {
        var csv = "cns,nome\n700000000000001,José da Conceição\n700000000000002,\n";
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("veiculos")));
        var source = new TextSource(new Dictionary<string, string> { ["veiculos"] = csv });

        var result = await RunAsync(backend, source);

        Assert.Equal((ExitCodes.Ok, (string?)null), (result.ExitCode, result.Sites.Single().FailureCategory));
        var put = Assert.Single(backend.Requests, r => r.Method == "PUT");
        Assert.Equal(csv, Gzip.Decompress(put.Body));
        Assert.Equal(Now, SnapshotIds.Timestamp(Guid.Parse(put.Path.Split('/')[^1])));
        Assert.Equal(SnapshotUploadRequest.FormatExtractedAt(Now), put.Header(WireNames.ExtractedAtHeader));
        Assert.Empty(Directory.GetFiles(_dir.Combine("spool"), "*.csv.gz", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_failure_the_source_classifies_is_reported_with_its_category_and_exit_code_and_the_next_list_still_runs()
    {
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("first", "second")));
        var source = new TextSource(new Dictionary<string, string> { ["second"] = "id\n1\n" })
        {
            Failure = new SourceFailure(ExitCodes.Database, FailureCategories.ExtractTimeout, "the API took too long"),
        };

        var result = await RunAsync(backend, source);

        Assert.Equal((ExitCodes.Database, FailureCategories.ExtractTimeout), (result.ExitCode, result.Sites.Single().FailureCategory));
        Assert.Contains(result.Events, e => e.Message == $"site {Site}: could not extract first: the API took too long");
        Assert.Single(backend.Requests, r => r.Method == "PUT" && r.Path.Contains("/lists/second/", StringComparison.Ordinal));
        Assert.Single(backend.Requests, r => r.Path == ApiRoutes.Heartbeats);
        var heartbeat = PipelineRuns.LastHeartbeat(backend);
        Assert.Equal((HeartbeatKinds.Run, RunOutcomes.Failed, FailureCategories.ExtractTimeout), (heartbeat.Kind, heartbeat.Outcome, heartbeat.ErrorCode));
    }

    [Fact]
    public async Task An_exception_the_source_does_not_claim_is_not_swallowed_as_a_source_failure()
    {
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("first")));
        var source = new TextSource(new Dictionary<string, string>()) { Unclaimed = new InvalidOperationException("a bug") };

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(backend, source));

        Assert.Equal("a bug", thrown.Message);
    }

    [Fact]
    public async Task Every_event_reaches_the_sink_as_it_happens_and_the_result_keeps_the_same_events_stamped_by_the_runs_clock()
    {
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("veiculos")));
        var seen = new List<RunEvent>();

        var result = await RunAsync(backend, new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" }), seen.Add);

        Assert.Equal(seen, result.Events);
        Assert.Equal("run finished: everything sent", result.Events[^1].Message);
        Assert.All(result.Events, e => Assert.Equal(Now, e.At));
    }

    /// <summary>A 4xx a resend can fix: the snapshot stays spooled (not quarantined), the heartbeat says backend-error.</summary>
    [Theory]
    [InlineData(400, "bad-digest")] // damaged in transit (sent twice in the run, damaged both times)
    [InlineData(404, "unknown-list")] // the list briefly inactive
    [InlineData(404, null)] // a route a proxy or the host does not know
    [InlineData(411, null)] // a proxy that wants a Content-Length
    [InlineData(400, null)] // a proxy's 400, no problem+json
    [InlineData(413, null)] // a proxy's body limit
    [InlineData(415, "unsupported-encoding")] // a proxy that rewrote the encoding
    [InlineData(400, "bad-extracted-at")] // this clock ahead of the backend's: fine later
    [InlineData(422, "a-code-from-a-newer-backend")]
    public async Task A_refusal_a_resend_can_fix_keeps_the_snapshot_spooled_and_the_heartbeat_says_backend_error(int status, string? code)
    {
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("veiculos"), context => Refuse(context, status, code)));

        var result = await RunAsync(backend, new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" }));

        Assert.Equal((ExitCodes.Network, FailureCategories.BackendError), (result.ExitCode, result.Sites.Single().FailureCategory));
        Assert.Equal(code == ProblemCodes.BadDigest ? 2 : 1, backend.Requests.Count(r => r.Method == "PUT"));
        Assert.Single(Directory.GetFiles(_dir.Combine("spool", Site, "veiculos"), "*.csv.gz"));
        Assert.False(Directory.Exists(_dir.Combine("spool", "quarantine")));
        Assert.Contains(result.Events, e => e.Message.Contains($"({status} {code ?? "no problem code"})", StringComparison.Ordinal) && e.Message.EndsWith("kept in the spool for the next run.", StringComparison.Ordinal));
        var heartbeat = JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == ApiRoutes.Heartbeats).Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal((RunOutcomes.Failed, FailureCategories.BackendError, 1), (heartbeat.Outcome, heartbeat.ErrorCode, heartbeat.SpoolDepth));

        // The next run, the backend taking it again: the kept snapshot goes first and is accepted.
        await using var recovered = await StubBackend.StartAsync(Backend(Catalog("veiculos")));
        var next = await RunAsync(recovered, new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" }));

        Assert.Equal(ExitCodes.Ok, next.ExitCode);
        Assert.Equal(2, recovered.Requests.Count(r => r.Method == "PUT"));
        Assert.Empty(Directory.GetFiles(_dir.Combine("spool"), "*.csv.gz", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_body_damaged_in_transit_is_sent_again_in_the_same_run()
    {
        var puts = 0;
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("veiculos"), context =>
            Interlocked.Increment(ref puts) == 1 ? Refuse(context, 400, ProblemCodes.BadDigest) : StubBackend.Status(context, StatusCodes.Status202Accepted)));

        var result = await RunAsync(backend, new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" }));

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(2, backend.Requests.Count(r => r.Method == "PUT"));
        Assert.Empty(Directory.GetFiles(_dir.Combine("spool"), "*.csv.gz", SearchOption.AllDirectories));
    }

    /// <summary>A refusal of the content itself: a resend cannot fix it, so it goes to quarantine (snapshot-rejected, exit 6).</summary>
    [Theory]
    [InlineData(400, "bad-csv-header")]
    [InlineData(400, "bad-encoding")]
    [InlineData(400, "bad-gzip")]
    [InlineData(413, "too-large")]
    [InlineData(409, "snapshot-conflict")]
    [InlineData(400, "bad-snapshot-id")]
    public async Task A_refusal_of_the_content_quarantines_the_snapshot_and_the_heartbeat_says_snapshot_rejected(int status, string code)
    {
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("veiculos"), context => Refuse(context, status, code)));

        var result = await RunAsync(backend, new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" }));

        Assert.Equal((ExitCodes.Rejected, FailureCategories.SnapshotRejected), (result.ExitCode, result.Sites.Single().FailureCategory));
        Assert.Single(backend.Requests, r => r.Method == "PUT");
        Assert.Empty(Directory.GetFiles(_dir.Combine("spool", Site), "*.csv.gz", SearchOption.AllDirectories));
        Assert.Single(Directory.GetFiles(_dir.Combine("spool", "quarantine")));
        var heartbeat = JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == ApiRoutes.Heartbeats).Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal((RunOutcomes.Failed, FailureCategories.SnapshotRejected), (heartbeat.Outcome, heartbeat.ErrorCode));
    }

    private static Task Refuse(HttpContext context, int status, string? code) => code is null
        ? WritePlain(context, status)
        : StubBackend.Problem(context, status, code, "as the backend says it.");

    private static async Task WritePlain(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html";
        await context.Response.WriteAsync("<html><body>Request refused by proxy</body></html>");
    }

    private const UnixFileMode Dir700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Dir755 = Dir700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode File644 = File600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Every folder under the spool 0700 and every file 0600, the spool itself included.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void AssertOwnerOnly(string root)
    {
        Assert.Equal(Dir700, File.GetUnixFileMode(root));
        Assert.All(Directory.GetDirectories(root, "*", SearchOption.AllDirectories), d => Assert.True(File.GetUnixFileMode(d) == Dir700, $"{d}: {File.GetUnixFileMode(d)}"));
        Assert.All(Directory.GetFiles(root, "*", SearchOption.AllDirectories), f => Assert.True(File.GetUnixFileMode(f) == File600, $"{f}: {File.GetUnixFileMode(f)}"));
    }

    private static Func<HttpContext, Task> KeepOneRejectOther => context => context.Request.Path.Value!.Contains("/lists/rejeitada/", StringComparison.Ordinal)
        ? StubBackend.Problem(context, 400, ProblemCodes.BadCsvHeader, "not this list's header")
        : StubBackend.Status(context, StatusCodes.Status503ServiceUnavailable);

    [Fact]
    public async Task After_a_run_the_spool_and_its_quarantine_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows: a protected ACL (WindowsOwnerOnlyAcl), not checked here
        }

        await using var backend = await StubBackend.StartAsync(Backend(Catalog("veiculos", "rejeitada"), KeepOneRejectOther));

        var result = await RunAsync(backend, new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n", ["rejeitada"] = "id\n2\n" }));

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        var spool = _dir.Combine("spool");
        Assert.Single(Directory.GetFiles(Path.Combine(spool, Site, "veiculos"), "*.csv.gz")); // kept (503)
        Assert.Single(Directory.GetFiles(Path.Combine(spool, "quarantine"))); // rejected for its content
        Assert.True(File.Exists(Path.Combine(spool, "state.json")) && File.Exists(Path.Combine(spool, $"lists-{Site}.json")));
        AssertOwnerOnly(spool);
    }

    [Fact]
    public async Task A_spool_left_readable_by_others_is_tightened_by_the_next_run()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var spool = _dir.Combine("spool");
        var list = Path.Combine(spool, Site, "veiculos");
        Directory.CreateDirectory(list);
        Directory.CreateDirectory(Path.Combine(spool, "quarantine"));
        var pending = Path.Combine(list, $"{SnapshotIds.New(Now.AddHours(-1)):D}.csv.gz");
        await File.WriteAllBytesAsync(pending, GzipOf("id\n1\n"));
        var quarantined = Path.Combine(spool, "quarantine", $"{Now.AddDays(-1):yyyyMMddHHmmss}-{Guid.NewGuid():D}.csv.gz");
        await File.WriteAllBytesAsync(quarantined, GzipOf("id\n2\n"));
        await File.WriteAllTextAsync(Path.Combine(spool, "state.json"), "{}");
        foreach (var directory in new[] { spool, Path.Combine(spool, Site), list, Path.Combine(spool, "quarantine") })
        {
            File.SetUnixFileMode(directory, Dir755); // as the uploader left them before (umask 022)
        }

        foreach (var file in new[] { pending, quarantined, Path.Combine(spool, "state.json") })
        {
            File.SetUnixFileMode(file, File644);
        }

        var unrelated = _dir.Combine("not-the-spool.txt"); // beside the spool: left alone
        await File.WriteAllTextAsync(unrelated, "x");
        File.SetUnixFileMode(unrelated, File644);
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("veiculos"), context => StubBackend.Status(context, StatusCodes.Status503ServiceUnavailable)));

        await RunAsync(backend, new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" }));

        Assert.True(File.Exists(pending) && File.Exists(quarantined));
        AssertOwnerOnly(spool);
        Assert.Equal(File644, File.GetUnixFileMode(unrelated));
    }

    [Theory]
    [InlineData(null, new[] { "recent" })] // the default: 14 days
    [InlineData(30, new[] { "recent", "older" })]
    public async Task Quarantined_snapshots_older_than_the_retention_are_deleted_by_the_run_and_recent_ones_kept(int? retentionDays, string[] kept)
    {
        var quarantine = _dir.Combine("spool", "quarantine");
        Directory.CreateDirectory(quarantine);
        var files = new Dictionary<string, string>
        {
            ["recent"] = Path.Combine(quarantine, $"{Now.AddDays(-13):yyyyMMddHHmmss}-{Guid.NewGuid():D}.csv.gz"),
            ["older"] = Path.Combine(quarantine, $"{Now.AddDays(-20):yyyyMMddHHmmss}-{Guid.NewGuid():D}.csv.gz.partial"),
            ["unstamped"] = Path.Combine(quarantine, "left-by-hand.csv.gz"),
        };
        foreach (var file in files.Values)
        {
            await File.WriteAllBytesAsync(file, GzipOf("id\n1\n"));
        }

        File.SetLastWriteTimeUtc(files["unstamped"], Now.AddDays(-40).UtcDateTime); // no stamp in its name: its last write
        await using var backend = await StubBackend.StartAsync(Backend(Catalog("veiculos")));

        var result = await RunAsync(backend, new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" }), configure: c => c.QuarantineRetentionDays = retentionDays ?? c.QuarantineRetentionDays);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(kept.Order(), files.Where(f => File.Exists(f.Value)).Select(f => f.Key).Order());
        var days = retentionDays ?? 14;
        Assert.Contains(result.Events, e => e.Message == $"deleted {3 - kept.Length} quarantined snapshot(s) older than {days} days from {quarantine}");
    }

    private static byte[] GzipOf(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private Task<RunResult> RunAsync(StubBackend backend, ISnapshotSource source, Action<RunEvent>? onEvent = null, Action<UploaderConfig>? configure = null) =>
        PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), Now, configure, onEvent);

    private static ListCatalogDto Catalog(params string[] names) =>
        new([.. names.Select(n => TestSigning.Sign(new ListDefinitionDto(n, 1, "-- not SQL: this source reads no database", [new ListColumnDto("id", "text")], [])))]);

    private static Func<HttpContext, ReceivedRequest, Task> Backend(ListCatalogDto catalog, Func<HttpContext, Task>? put = null) => async (context, request) =>
    {
        if (request.Path == ApiRoutes.Lists)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(catalog, ContractsJsonContext.Default.ListCatalogDto));
        }
        else if (put is not null && request.Method == "PUT")
        {
            await put(context);
        }
        else
        {
            context.Response.StatusCode = request.Method == "PUT" ? StatusCodes.Status202Accepted : StatusCodes.Status204NoContent;
        }
    };
}
