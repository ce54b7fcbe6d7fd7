using LocalInfra;
using PecLists.Contracts;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Tests.Updating;

/// <summary>
/// A release download that a dying link cuts midway goes on from the bytes already on disk (the backend's binary route
/// serves byte ranges, ADR 0026) instead of starting over: within the run, and in the next run from the partial file,
/// which is owner-only and checked (size, SHA-256 against the signed manifest) only when whole. A partial file of another
/// release is never resumed. The link is a TCP relay that resets the connection after a set number of bytes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // releases here are shell scripts
public sealed class SelfUpdateResumeTests : IAsyncLifetime
{
    private const long CutAfter = 200_000;
    private static readonly string Newer = Bump(1);
    private readonly Releases _releases = new();
    private StubBackend _backend = null!;
    private ThrottlingRelay _link = null!;

    public async Task InitializeAsync()
    {
        _backend = await StubBackend.StartAsync(_releases.Backend());
        _link = new ThrottlingRelay(_backend.Endpoint.Port);
    }

    public async Task DisposeAsync()
    {
        await _link.DisposeAsync();
        await _backend.DisposeAsync();
        _releases.Dispose();
    }

    private Uri ThroughLink => new($"http://127.0.0.1:{_link.Port}/");

    private string BinaryPath => ApiRoutes.ReleaseBinaryPath(Newer, _releases.Manifest!.Runtime);

    private List<ReceivedRequest> BinaryRequests() => [.. _backend.Requests.Where(r => r.Path == BinaryPath)];

    private string Partial => _releases.Layout.PartialOf(Newer, _releases.Manifest!.Sha256);

    [Fact]
    public async Task A_download_cut_midway_goes_on_from_the_bytes_already_here_within_the_same_run()
    {
        _releases.Offer(Newer, Releases.LargeScript());
        _link.DropDownstream(CutAfter, times: 1);

        var result = await _releases.RunAsync(ThroughLink, _releases.Spool);

        Assert.True(result.Updated, string.Join('\n', result.Events.Select(e => e.Message)));
        Assert.Equal(1, _link.Drops);
        var requests = BinaryRequests();
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Header("Range"));
        var resumedFrom = RangeStart(requests[1]);
        Assert.InRange(resumedFrom, 1, CutAfter); // the bytes that got through were kept, not fetched again
        Assert.Equal($"\"{_releases.Manifest!.Sha256}\"", requests[1].Header("If-Range"));
        Assert.Equal(_releases.Binary, File.ReadAllBytes(_releases.Layout.BinaryOf(Newer)));
        Assert.False(File.Exists(Partial));
    }

    [Fact]
    public async Task A_download_cut_in_every_attempt_of_a_run_goes_on_in_the_next_run_from_an_owner_only_partial_file()
    {
        _releases.Offer(Newer, Releases.LargeScript());
        _link.DropDownstream(CutAfter, times: 1000);

        var first = await _releases.RunAsync(ThroughLink, _releases.Spool);

        Assert.False(first.Updated);
        Assert.Equal((UpdateStates.UpdateFailed, UpdateFailureCodes.DownloadFailed), (_releases.Launcher.Report?.State, _releases.Launcher.Report?.Reason));
        Assert.True(File.Exists(Partial), "the bytes that arrived are kept for the next run");
        var kept = new FileInfo(Partial).Length;
        Assert.InRange(kept, 1, _releases.Binary.Length - 1);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Partial));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_releases.Layout.VersionDirectory(Newer)));
        Assert.Equal(_releases.Binary[..(int)kept], File.ReadAllBytes(Partial));
        Assert.Null(_releases.Launcher.Current); // nothing half-downloaded is ever made current

        _link.DropDownstream(CutAfter, times: 0); // the link holds today
        var before = BinaryRequests().Count;
        var second = await _releases.RunAsync(ThroughLink, _releases.Spool);

        Assert.True(second.Updated);
        Assert.Equal(kept, RangeStart(Assert.Single(BinaryRequests().Skip(before))));
        Assert.Equal(_releases.Binary, File.ReadAllBytes(_releases.Layout.BinaryOf(Newer)));
        Assert.Equal(Newer, _releases.Launcher.Current);
    }

    [Fact]
    public async Task A_partial_file_of_another_release_is_discarded_not_resumed()
    {
        _releases.Offer(Newer, Releases.LargeScript());
        var folder = _releases.Layout.VersionDirectory(Newer);
        Directory.CreateDirectory(folder);
        var otherBytes = _releases.Layout.PartialOf(Newer, new string('a', 64)); // the same version published before with other bytes
        File.WriteAllBytes(otherBytes, _releases.Binary[..1000]);
        var abandoned = _releases.Layout.PartialOf(Bump(2), new string('b', 64)); // a version no longer offered
        Directory.CreateDirectory(Path.GetDirectoryName(abandoned)!);
        File.WriteAllBytes(abandoned, [1, 2, 3]);

        var result = await _releases.RunAsync(_backend);

        Assert.True(result.Updated);
        Assert.Null(Assert.Single(BinaryRequests()).Header("Range"));
        Assert.False(File.Exists(otherBytes));
        Assert.False(Directory.Exists(_releases.Layout.VersionDirectory(Bump(2))));
    }

    [Fact]
    public async Task A_partial_file_longer_than_the_release_is_discarded_and_the_release_downloaded_whole()
    {
        _releases.Offer(Newer, Releases.LargeScript());
        Directory.CreateDirectory(_releases.Layout.VersionDirectory(Newer));
        File.WriteAllBytes(Partial, [.. _releases.Binary, .. "tail"u8.ToArray()]);

        var result = await _releases.RunAsync(_backend);

        Assert.True(result.Updated);
        Assert.Null(Assert.Single(BinaryRequests()).Header("Range"));
        Assert.Equal(_releases.Binary, File.ReadAllBytes(_releases.Layout.BinaryOf(Newer)));
    }

    [Fact]
    public async Task Kept_bytes_that_were_damaged_on_disk_fail_the_digest_once_whole_and_the_next_run_starts_over()
    {
        _releases.Offer(Newer, Releases.LargeScript());
        Directory.CreateDirectory(_releases.Layout.VersionDirectory(Newer));
        var damaged = _releases.Binary[..300_000];
        damaged[150_000] ^= 0xFF; // what a power cut can leave in a file being written
        File.WriteAllBytes(Partial, damaged);

        var first = await _releases.RunAsync(_backend);

        Assert.False(first.Updated);
        Assert.Equal(300_000, RangeStart(Assert.Single(BinaryRequests())));
        Assert.Equal((UpdateStates.UpdateFailed, UpdateFailureCodes.DigestMismatch), (_releases.Launcher.Report?.State, _releases.Launcher.Report?.Reason));
        Assert.False(File.Exists(Partial));

        var second = await _releases.RunAsync(_backend);

        Assert.True(second.Updated);
        Assert.Null(BinaryRequests()[^1].Header("Range"));
    }

    private static long RangeStart(ReceivedRequest request)
    {
        var range = request.Header("Range") ?? throw new Xunit.Sdk.XunitException($"request {request.Number} has no Range header");
        Assert.StartsWith("bytes=", range, StringComparison.Ordinal);
        Assert.EndsWith("-", range, StringComparison.Ordinal);
        return long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Bump(int minor)
    {
        var running = Version.Parse(BackendClient.Version);
        return new Version(running.Major, running.Minor + minor, 0).ToString(3);
    }
}
