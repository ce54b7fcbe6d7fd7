using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using HostStandIn;
using PecLists.Contracts;
using PecLists.Functions.Hosting;
using PecLists.Functions.Http;
using PecLists.Functions.Loading;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using LocalInfra;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Tests.Loading;

/// <summary>
/// The sweeper against a real PostgreSQL and Azurite: snapshots left received by a crash between recording and queueing
/// (made here exactly as ingest leaves them: blob stored, row recorded, nothing queued) are queued once, or rejected
/// blob-missing; young ones and ones another request is queueing are left alone.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class ReceivedSweeperTests(InfraFixture infra)
{
    private readonly string _queueName = "q" + Guid.NewGuid().ToString("N")[..12];

    private SnapshotLedger Ledger => new(infra.Database);

    private IOptions<LoadQueueOptions> Ingest => Options.Create(new LoadQueueOptions { Queue = _queueName });

    private ReceivedSweeper Sweeper(int maxPerRun = 100) => new(
        Ledger, new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions())), new LoadQueue(infra.Queues, Ingest),
        Options.Create(new SweeperOptions { MaxPerRun = maxPerRun }), NullLogger<ReceivedSweeper>.Instance);

    /// <summary>What ingest leaves when its process dies right after recording the snapshot: blob (optional) and row, no message.</summary>
    internal static async Task<Guid> CrashedIngestAsync(InfraFixture infra, string site, bool withBlob = true)
    {
        var extractedAt = DateTimeOffset.UtcNow.AddHours(-1).AddMilliseconds(Random.Shared.Next(1_000_000));
        var id = SnapshotIds.New(extractedAt);
        var list = InfraFixture.TestList.Name;
        var body = Csv.Gzip(Csv.Rows("1,Ana,1950-01-02,t,70.5", "2,José,1960-03-04,f,80"));
        var reference = new LoadMessage(id, site, list, SnapshotStore.BlobName(site, list, extractedAt, id), extractedAt);
        if (withBlob)
        {
            using var content = new MemoryStream(body);
            Assert.Null(await new SnapshotStore(infra.Blobs, Options.Create(new SnapshotStorageOptions())).TryCreateAsync(reference, 1, Csv.Digest(body), content, CancellationToken.None));
        }

        Assert.True(await new SnapshotLedger(infra.Database).RecordReceivedAsync(
            new NewSnapshot(id, site, list, reference.Blob, Csv.Digest(body), body.Length, extractedAt, "test", 1), CancellationToken.None));
        return id;
    }

    /// <summary>Moves the row's recording and its queue claim back in time (null claim: never claimed).</summary>
    internal static async Task AgeAsync(InfraFixture infra, Guid id, TimeSpan received, TimeSpan? claimed)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            UPDATE ingest.snapshots SET received_at = now() - make_interval(secs => @received),
                   queue_claimed_at = now() - make_interval(secs => @claimed)
             WHERE snapshot_id = @id
            """,
            new { id, received = received.TotalSeconds, claimed = claimed?.TotalSeconds });
    }

    private async Task<Guid> StaleAsync(bool withBlob = true, TimeSpan? age = null)
    {
        var id = await CrashedIngestAsync(infra, await infra.NewSiteAsync(), withBlob);
        await AgeAsync(infra, id, age ?? TimeSpan.FromMinutes(20), age ?? TimeSpan.FromMinutes(20));
        return id;
    }

    /// <summary>The load messages for <paramref name="id"/> in this test's queue.</summary>
    private async Task<int> MessagesForAsync(Guid id)
    {
        var queue = infra.Queues.GetQueueClient(_queueName);
        if (!await queue.ExistsAsync())
        {
            return 0;
        }

        return (await queue.PeekMessagesAsync(32)).Value.Count(m => LoadMessage.TryParse(m.Body.ToString())?.SnapshotId == id);
    }

    private async Task<SnapshotStatusDto> StatusAsync(Guid id) => (await Ledger.ReadStatusAsync(id, CancellationToken.None))!;

    private async Task<string> RawStatusAsync(Guid id) => (await Ledger.FindAsync(id, CancellationToken.None))!.Status;

    [Fact]
    public async Task A_stale_received_snapshot_with_its_blob_is_queued_once()
    {
        var id = await StaleAsync();

        var first = await Sweeper().SweepAsync(CancellationToken.None);
        await Sweeper().SweepAsync(CancellationToken.None);

        Assert.True(first.Queued >= 1, first.ToString());
        Assert.Equal(1, await MessagesForAsync(id));
        Assert.Equal(SnapshotStatuses.Queued, await RawStatusAsync(id));
        var message = (await infra.Queues.GetQueueClient(_queueName).PeekMessagesAsync(32)).Value
            .Select(m => LoadMessage.TryParse(m.Body.ToString())).Single(m => m?.SnapshotId == id)!;
        var row = (await Ledger.FindAsync(id, CancellationToken.None))!;
        Assert.Equal((row.Site, row.List), (message.Site, message.List));
        Assert.DoesNotContain(id, (await Ledger.FindUnqueuedAsync(TimeSpan.FromMinutes(10), 1000, CancellationToken.None)).Select(s => s.SnapshotId));
    }

    [Fact]
    public async Task A_young_received_snapshot_is_left_to_the_request_that_recorded_it()
    {
        var fresh = await CrashedIngestAsync(infra, await infra.NewSiteAsync());
        var youngUnclaimed = await CrashedIngestAsync(infra, await infra.NewSiteAsync());
        await AgeAsync(infra, youngUnclaimed, TimeSpan.FromMinutes(5), null);

        await Sweeper().SweepAsync(CancellationToken.None);

        Assert.Equal((0, 0), (await MessagesForAsync(fresh), await MessagesForAsync(youngUnclaimed)));
        Assert.Equal(SnapshotStatuses.Received, await RawStatusAsync(fresh));
        Assert.Equal(SnapshotStatuses.Received, await RawStatusAsync(youngUnclaimed));
    }

    [Fact]
    public async Task A_stale_snapshot_never_claimed_is_queued()
    {
        var id = await CrashedIngestAsync(infra, await infra.NewSiteAsync());
        await AgeAsync(infra, id, TimeSpan.FromMinutes(20), null);

        await Sweeper().SweepAsync(CancellationToken.None);

        Assert.Equal(1, await MessagesForAsync(id));
    }

    // A repeat PUT takes the stale claim first (SnapshotIngestor.RepeatAsync): that request queues it, not the sweeper;
    // once the sweeper has queued one, a repeat PUT finds nothing to claim.
    [Fact]
    public async Task A_claim_taken_by_a_repeat_upload_is_respected_and_the_other_way_round()
    {
        var claimedByPut = await StaleAsync();
        Assert.True(await Ledger.TryClaimQueueingAsync(claimedByPut, CancellationToken.None));

        await Sweeper().SweepAsync(CancellationToken.None);

        Assert.Equal(0, await MessagesForAsync(claimedByPut));
        Assert.Equal(SnapshotStatuses.Received, await RawStatusAsync(claimedByPut));

        var sweptFirst = await StaleAsync();
        await Sweeper().SweepAsync(CancellationToken.None);

        Assert.False(await Ledger.TryClaimQueueingAsync(sweptFirst, CancellationToken.None));
        Assert.Equal(1, await MessagesForAsync(sweptFirst));
    }

    [Fact]
    public async Task A_sweep_racing_repeat_uploads_queues_each_snapshot_exactly_once()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await StaleAsync(age: TimeSpan.FromDays(20) + TimeSpan.FromMinutes(i)));
        }

        var puts = ids.Select(id => Task.Run(() => Ledger.TryClaimQueueingAsync(id, CancellationToken.None))).ToList();
        var sweep = Task.Run(() => Sweeper().SweepAsync(CancellationToken.None));
        var claims = await Task.WhenAll(puts);
        await sweep;

        for (var i = 0; i < ids.Count; i++)
        {
            // Exactly one of the two queues it: the sweeper (a message here) or the repeat PUT (its claim won).
            Assert.Equal(1, await MessagesForAsync(ids[i]) + (claims[i] ? 1 : 0));
        }
    }

    [Fact]
    public async Task A_received_snapshot_whose_blob_is_gone_is_rejected_blob_missing()
    {
        var id = await StaleAsync(withBlob: false);

        var report = await Sweeper().SweepAsync(CancellationToken.None);

        Assert.True(report.BlobMissing >= 1, report.ToString());
        var status = await StatusAsync(id);
        Assert.Equal((SnapshotStatuses.Rejected, SnapshotErrorCodes.BlobMissing), (status.Status, status.ErrorCode));
        Assert.Equal(0, await MessagesForAsync(id));
        Assert.True(SnapshotStatuses.IsFinal(status.Status));
    }

    [Fact]
    public async Task A_run_takes_at_most_MaxPerRun_oldest_first_and_the_next_run_the_rest()
    {
        // Older than anything else in the shared database, so these three are the oldest candidates.
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await StaleAsync(age: TimeSpan.FromDays(400) - TimeSpan.FromMinutes(i)));
        }

        var first = await Sweeper(maxPerRun: 2).SweepAsync(CancellationToken.None);

        Assert.Equal((2, 2), (first.Found, first.Queued));
        var afterFirst = await Task.WhenAll(ids.Select(MessagesForAsync));
        Assert.Equal([1, 1, 0], afterFirst);

        await Sweeper(maxPerRun: 2).SweepAsync(CancellationToken.None);

        var afterSecond = await Task.WhenAll(ids.Select(MessagesForAsync));
        Assert.Equal([1, 1, 1], afterSecond);
    }

    [Fact]
    public async Task The_sweep_route_answers_the_host_only_and_reports_counts()
    {
        var port = FreePort.Next();
        await using var app = FunctionsApp.Build(
        [
            $"--urls=http://0.0.0.0:{port}", $"--ConnectionStrings:Central={infra.CentralConnection}",
            $"--IngestStorage={infra.Azurite.ConnectionString}", $"--Ingest:Queue={_queueName}",
        ]);
        await app.StartAsync();
        using var http = new HttpClient();
        var timer = TimerInvocationPayload.Build(
            new TimerFunction(SweepFunction.Name, "timer", "0 */5 * * * *", false, true), new TimerInfo(null, false));
        var id = await StaleAsync();

        using var fromHost = await http.PostAsync($"http://127.0.0.1:{port}/{SweepFunction.Name}", new StringContent(timer, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, fromHost.StatusCode);
        var result = JsonNode.Parse(await fromHost.Content.ReadAsStringAsync())!;
        Assert.Equal("swept", result["ReturnValue"]!.ToString());
        Assert.True(result["Outputs"]!["queued"]!.GetValue<int>() >= 1);
        Assert.Equal(1, await MessagesForAsync(id));
        Assert.False(HostFunctions.IsFromHost(IPAddress.Parse("192.0.2.10")));
        var external = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (external is not null)
        {
            using var fromOutside = await http.PostAsync($"http://{external}:{port}/{SweepFunction.Name}", new StringContent(timer, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Forbidden, fromOutside.StatusCode);
        }

        await app.StopAsync();
    }
}
