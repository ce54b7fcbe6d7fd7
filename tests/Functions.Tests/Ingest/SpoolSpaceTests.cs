using System.Net;
using System.Text.Json;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;
using Xunit.Abstractions;
using LocalInfra;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>
/// The spool folder's bound (docs/adr/0011-limits-across-instances.md): an upload there is no room for, or that fills
/// the disk while it is written, gets 429 insufficient-storage with Retry-After, never 500, and nothing is stored,
/// recorded or queued. Real file systems only: the machine's own disk with a margin larger than it, and a 1 MB tmpfs
/// filled for real.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class SpoolSpaceTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly DateTimeOffset Extracted = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    private readonly string _queue = "q" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = "c" + Guid.NewGuid().ToString("N")[..12];

    private async Task<(string Site, string Token)> SiteAsync()
    {
        var site = await infra.NewSiteAsync();
        return (site, (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token);
    }

    private async Task AssertNoRoomAndNothingKeptAsync(HttpResponseMessage response, string site)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ProblemCodes.InsufficientStorage, json.RootElement.GetProperty("code").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(0, await infra.BlobCountAsync(_container));
        Assert.Equal(0, await infra.QueuedCountAsync(_queue));
        await using var connection = await infra.Database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM ingest.snapshots WHERE site_id = @site", new { site }));
    }

    [Fact]
    public async Task An_upload_the_spool_folder_has_no_room_for_is_refused_before_a_byte_is_written()
    {
        var spool = Directory.CreateTempSubdirectory("spool-").FullName;
        try
        {
            // A margin no disk has: the real free space of the real folder is always short of it.
            await using var app = await InProcessApp.StartAsync(infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}",
                $"--Ingest:SpoolDirectory={spool}", $"--Ingest:SpoolFreeMarginBytes={1L << 50}");
            var (site, token) = await SiteAsync();

            using var response = await app.Http.SendAsync(Uploads.Put("pacientes_teste", Csv.Gzip(Csv.Rows("1,Ana,1950-01-02,t,1")), token, Extracted));

            await AssertNoRoomAndNothingKeptAsync(response, site);
            Assert.Empty(Directory.EnumerateFileSystemEntries(spool));
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    [Fact]
    public async Task A_disk_that_fills_while_an_upload_is_spooled_answers_429_and_keeps_nothing_and_the_next_upload_goes_through()
    {
        var (disk, why) = await SmallDisk.TryMountAsync(sizeKiB: 1024);
        if (disk is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, $"CI must run this test: {why}");
            output.WriteLine($"Not run here: {why}");
            return;
        }

        await using (disk)
        {
            await using var app = await InProcessApp.StartAsync(infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}",
                $"--Ingest:SpoolDirectory={disk.Path}", "--Ingest:SpoolFreeMarginBytes=0");
            var (site, token) = await SiteAsync();

            // Room for it when it arrives (600 KB of 1 MB), then something else takes the rest before its body is in.
            var body = new byte[600 * 1024];
            Random.Shared.NextBytes(body);
            var slow = new PausedContent(body);
            using var request = Uploads.Put("pacientes_teste", body, token, Extracted);
            var headers = request.Content!.Headers;
            request.Content = slow;
            foreach (var header in headers)
            {
                request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            var sending = app.Http.SendAsync(request);
            await Eventually.UntilAsync(
                () => Directory.EnumerateFiles(disk.Path, "ingest-*").Count(), n => n > 0, TimeSpan.FromSeconds(10),
                "the upload's spool file (ingest-*)", TimeSpan.FromMilliseconds(25), n => $"{n} spool file(s)");

            Assert.Single(Directory.EnumerateFiles(disk.Path, "ingest-*"));
            var filler = await disk.FillAsync();
            slow.Release.SetResult();

            using (var response = await sending)
            {
                await AssertNoRoomAndNothingKeptAsync(response, site);
            }

            Assert.Equal([filler], Directory.EnumerateFiles(disk.Path));
            File.Delete(filler);
            var good = Csv.Gzip(Csv.Rows("1,Ana,1950-01-02,t,1"));
            using var again = await app.Http.SendAsync(Uploads.Put("pacientes_teste", good, token, Extracted));
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            Assert.Empty(Directory.EnumerateFiles(disk.Path));
        }
    }

    [Fact]
    public async Task Uploads_in_progress_hold_their_room_so_a_second_one_the_disk_cannot_also_take_is_refused()
    {
        var (disk, why) = await SmallDisk.TryMountAsync(sizeKiB: 1024);
        if (disk is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, $"CI must run this test: {why}");
            output.WriteLine($"Not run here: {why}");
            return;
        }

        await using (disk)
        {
            await using var app = await InProcessApp.StartAsync(infra, $"--Ingest:Queue={_queue}", $"--Ingest:Container={_container}",
                $"--Ingest:SpoolDirectory={disk.Path}", "--Ingest:SpoolFreeMarginBytes=0", "--Ingest:SnapshotsPerMinutePerSite=100");
            var (site, token) = await SiteAsync();
            var body = new byte[600 * 1024];
            Random.Shared.NextBytes(body);
            var slow = new PausedContent(body);
            using var first = Uploads.Put("pacientes_teste", body, token, Extracted);
            var headers = first.Content!.Headers;
            first.Content = slow;
            foreach (var header in headers)
            {
                first.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            var sending = app.Http.SendAsync(first);
            await Eventually.UntilAsync(
                () => Directory.EnumerateFiles(disk.Path, "ingest-*").Count(), n => n > 0, TimeSpan.FromSeconds(10),
                "the upload's spool file (ingest-*)", TimeSpan.FromMilliseconds(25), n => $"{n} spool file(s)");

            // Nearly all of the disk is still free, but 600 KB of it is promised to the first upload.
            using (var second = await app.Http.SendAsync(Uploads.Put("pacientes_teste", body, token, Extracted)))
            {
                await AssertNoRoomAndNothingKeptAsync(second, site);
            }

            slow.Release.SetResult();
            using var firstResponse = await sending;
            Assert.Equal(HttpStatusCode.BadRequest, firstResponse.StatusCode); // random bytes: spooled in full, then refused as not gzip
            Assert.Empty(Directory.EnumerateFiles(disk.Path));
        }
    }
}
