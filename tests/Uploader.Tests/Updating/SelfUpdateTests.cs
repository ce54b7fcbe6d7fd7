using PecLists.Contracts;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Tests.Updating;

/// <summary>
/// The run's self-update against a stub store: a good release is installed after delivery and only after its doctor
/// passed; each threat of The Update Framework's list the issue names is refused, leaves the running release current
/// and is reported (update-failed with its reason) in the next heartbeat.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // releases here are shell scripts
public sealed class SelfUpdateTests : IDisposable
{
    private static readonly string Newer = Bump(1);
    private readonly Releases _releases = new();

    public void Dispose() => _releases.Dispose();

    [Fact]
    public async Task A_newer_signed_release_is_downloaded_after_the_heartbeat_passes_its_doctor_and_becomes_current_on_trial()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0, also: $"echo \"$@\" > \"$(dirname \"$0\")/doctor-args\""));

        var result = await _releases.RunAsync(backend);

        Assert.True(result.Updated);
        var paths = backend.Requests.Select(r => r.Path).ToList();
        Assert.True(paths.IndexOf(ApiRoutes.Heartbeats) < paths.IndexOf(ApiRoutes.ReleaseManifest), "data first: the heartbeat goes before the release check");
        var launcher = _releases.Launcher;
        Assert.Equal((Newer, (string?)null, true), (launcher.Current, launcher.Previous, launcher.Trial));
        Assert.Equal((UpdateStates.Updated, Newer, BackendClient.Version), (launcher.Report!.State, launcher.Report.Version, launcher.Report.FromVersion));
        var binary = _releases.Layout.BinaryOf(Newer);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(binary));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_releases.Layout.VersionsDirectory));
        Assert.Equal($"doctor --config {_releases.ConfigPath}", File.ReadAllText(Path.Combine(_releases.Layout.VersionDirectory(Newer), "doctor-args")).Trim());
        Assert.Equal(Newer, _releases.State.HighestReleaseVersion);
    }

    [Fact]
    public async Task The_next_heartbeat_carries_the_update_report_once()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));
        await _releases.RunAsync(backend);

        await _releases.RunAsync(backend);
        var told = PipelineRuns.LastHeartbeat(backend).Update;
        await _releases.RunAsync(backend);

        Assert.Equal((UpdateStates.Updated, Newer), (told?.State, told?.Version));
        Assert.Null(PipelineRuns.LastHeartbeat(backend).Update);
    }

    [Fact]
    public async Task No_release_offered_means_no_download_and_no_report()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());

        var result = await _releases.RunAsync(backend);

        Assert.False(result.Updated);
        Assert.Null(_releases.Launcher.Report);
        Assert.DoesNotContain(backend.Requests, r => r.Path.StartsWith(ApiRoutes.Prefix + "/releases/", StringComparison.Ordinal) && r.Path != ApiRoutes.ReleaseManifest);
    }

    [Fact]
    public async Task A_tampered_download_is_refused_by_its_digest_and_deleted()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));
        _releases.Binary = Releases.Script(1); // same length, other bytes: what a compromised store would serve

        await AssertRefusedAsync(backend, UpdateFailureCodes.DigestMismatch);
        Assert.False(Directory.Exists(_releases.Layout.VersionDirectory(Newer)));
    }

    [Fact]
    public async Task A_truncated_download_is_refused_by_its_size()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));
        _releases.Binary = _releases.Binary[..^3];

        await AssertRefusedAsync(backend, UpdateFailureCodes.SizeMismatch);
    }

    [Fact]
    public async Task A_padded_download_is_refused_by_its_size_without_reading_past_one_extra_byte()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));
        _releases.Binary = [.. _releases.Binary, .. new byte[1 << 20]];

        await AssertRefusedAsync(backend, UpdateFailureCodes.SizeMismatch);
    }

    [Fact]
    public async Task A_replayed_release_older_than_one_this_site_ran_is_refused_as_a_rollback()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Bump(3), Releases.Script(0));
        await _releases.RunAsync(backend); // installs Bump(3): the highest this site ran
        _releases.Offer(Bump(2), Releases.Script(0)); // newer than this process, older than what the site installed

        await AssertRefusedAsync(backend, UpdateFailureCodes.ReleaseRollback);
        Assert.Equal(Bump(3), _releases.Launcher.Current);
    }

    [Fact]
    public async Task An_expired_manifest_is_refused_so_a_store_cannot_freeze_a_site_on_an_old_release()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0), expiresAt: DateTimeOffset.UtcNow.AddMinutes(-5));

        await AssertRefusedAsync(backend, UpdateFailureCodes.ManifestExpired);
    }

    [Fact]
    public async Task A_manifest_signed_by_a_key_the_site_does_not_trust_is_refused_even_with_a_correct_digest()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0), key: Releases.OtherKey); // the store's own key: it has no offline key

        await AssertRefusedAsync(backend, UpdateFailureCodes.BadSignature);
        Assert.DoesNotContain(backend.Requests, r => r.Path == ApiRoutes.ReleaseBinaryPath(Newer, _releases.Manifest!.Runtime));
    }

    [Fact]
    public async Task A_manifest_changed_after_signing_is_refused()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));
        var evil = Releases.Script(1, also: "echo evil");
        _releases.Binary = evil;
        _releases.Manifest = _releases.Manifest! with { Size = evil.Length, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(evil)) };

        await AssertRefusedAsync(backend, UpdateFailureCodes.BadSignature);
    }

    [Fact]
    public async Task A_manifest_for_another_runtime_is_refused()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0), runtime: ReleaseRuntimes.WinX64);

        await AssertRefusedAsync(backend, UpdateFailureCodes.WrongRuntime);
    }

    [Fact]
    public async Task A_release_whose_doctor_fails_here_is_not_made_current()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(ExitCodes.Database));

        await AssertRefusedAsync(backend, UpdateFailureCodes.DoctorFailed);
        Assert.False(Directory.Exists(_releases.Layout.VersionDirectory(Newer)));
    }

    [Fact]
    public async Task The_release_key_rotates_through_a_verified_manifest_without_reinstalling()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        var newKey = Releases.PublicKey(Releases.OtherKey);

        // The old key vouches for the new one; the config still pins only the old one.
        _releases.Offer(Bump(1), Releases.Script(0), key: Releases.ReleaseKey, trustedKeys: [newKey]);
        Assert.True((await _releases.RunAsync(backend)).Updated);
        Assert.Equal([newKey], _releases.State.TrustedReleaseKeys);

        _releases.Offer(Bump(2), Releases.Script(0), key: Releases.OtherKey);
        Assert.True((await _releases.RunAsync(backend)).Updated);
        Assert.Equal(Bump(2), _releases.Launcher.Current);

        // The retired key no longer signs a release here.
        _releases.Offer(Bump(3), Releases.Script(0), key: Releases.ReleaseKey);
        await AssertRefusedAsync(backend, UpdateFailureCodes.BadSignature);
    }

    [Fact]
    public async Task A_manifest_that_fails_a_check_does_not_rotate_the_keys()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0), expiresAt: DateTimeOffset.UtcNow.AddMinutes(-5), trustedKeys: [Releases.PublicKey(Releases.OtherKey)]);

        await AssertRefusedAsync(backend, UpdateFailureCodes.ManifestExpired);
        Assert.Null(_releases.State.TrustedReleaseKeys);
    }

    [Fact]
    public async Task A_version_rolled_back_here_is_not_downloaded_again()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));
        var launcher = _releases.Launcher;
        launcher.Blocked[Newer] = _releases.Manifest!.SignedAt.AddMinutes(1);
        launcher.Save(_releases.Layout);

        var result = await _releases.RunAsync(backend);

        Assert.False(result.Updated);
        Assert.DoesNotContain(backend.Requests, r => r.Path == ApiRoutes.ReleaseBinaryPath(Newer, _releases.Manifest!.Runtime));
        Assert.Contains(result.Events, e => e.Message.Contains("rolled back on this machine before", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_blocked_version_signed_again_after_the_block_is_cleared_and_installed()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));
        var launcher = _releases.Launcher;
        launcher.Blocked[Newer] = _releases.Manifest!.SignedAt.AddMinutes(-1); // the operator re-signed it since
        launcher.Save(_releases.Layout);

        var result = await _releases.RunAsync(backend);

        Assert.True(result.Updated);
        Assert.Empty(_releases.Launcher.Blocked);
    }

    [Fact]
    public async Task A_blocked_version_the_operator_cleared_for_this_site_is_tried_again()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));
        var launcher = _releases.Launcher;
        launcher.Blocked[Newer] = DateTimeOffset.UtcNow.AddDays(1);
        launcher.Save(_releases.Layout);
        _releases.Cleared = Newer;

        var result = await _releases.RunAsync(backend);

        Assert.True(result.Updated);
        Assert.Empty(_releases.Launcher.Blocked);
    }

    [Fact]
    public async Task Without_a_pinned_release_key_the_install_does_not_update_itself()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(Newer, Releases.Script(0));

        var result = await _releases.RunAsync(backend, RunScope.All, " ");

        Assert.False(result.Updated);
        Assert.DoesNotContain(backend.Requests, r => r.Path == ApiRoutes.ReleaseManifest);
        Assert.Contains(result.Events, e => e.Message.Contains("self-update is off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_watch_checks_for_a_release_at_most_once_an_hour()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());

        await _releases.RunAsync(backend, RunScope.Scheduled);
        await _releases.RunAsync(backend, RunScope.Scheduled);

        Assert.Single(backend.Requests, r => r.Path == ApiRoutes.ReleaseManifest);
    }

    private async Task AssertRefusedAsync(StubBackend backend, string reason)
    {
        var before = _releases.Launcher.Current;
        var result = await _releases.RunAsync(backend);

        Assert.False(result.Updated);
        Assert.Equal(before, _releases.Launcher.Current);
        var report = _releases.Launcher.Report;
        Assert.Equal((UpdateStates.UpdateFailed, reason), (report?.State, report?.Reason));
        Assert.Contains(result.Events, e => e.Message.Contains($"({reason})", StringComparison.Ordinal));

        await _releases.RunAsync(backend); // the next run's heartbeat tells the fleet
        Assert.Equal((UpdateStates.UpdateFailed, reason), (PipelineRuns.LastHeartbeat(backend).Update?.State, PipelineRuns.LastHeartbeat(backend).Update?.Reason));
    }

    /// <summary>A version <paramref name="minor"/> minor steps above this build's.</summary>
    private static string Bump(int minor)
    {
        var running = Version.Parse(BackendClient.Version);
        return new Version(running.Major, running.Minor + minor, 0).ToString(3);
    }
}
