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

    private Task<RunResult> RunAsync(StubBackend backend, ISnapshotSource source, Action<RunEvent>? onEvent = null) =>
        PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), Now, onEvent: onEvent);

    private static ListCatalogDto Catalog(params string[] names) =>
        new([.. names.Select(n => TestSigning.Sign(new ListDefinitionDto(n, 1, "-- not SQL: this source reads no database", [new ListColumnDto("id", "text")], [])))]);

    private static Func<HttpContext, ReceivedRequest, Task> Backend(ListCatalogDto catalog) => PipelineRuns.Serving(catalog);
}
