using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;
using Polly.Timeout;

namespace PecLists.Uploader.Updating;

/// <summary>
/// The uploader updating itself after a run has delivered (docs/adr/0027-uploader-self-update.md): ask the backend for
/// this runtime's manifest; when it offers a newer release that is not blocked here, check it (<see cref="ReleaseCheck"/>),
/// download it into <c>versions/&lt;version&gt;/</c> (owner-only), check size and SHA-256, run its <c>doctor</c>, and
/// only then make it current, on trial, with one rename of the launcher's state. Any failure leaves the running release
/// current and is reported in the next heartbeat (<see cref="UpdateStates.UpdateFailed"/>).
/// </summary>
public sealed class SelfUpdate(UploaderConfig config, string configPath, BackendClient backend, InstallLayout layout, TimeProvider clock, RunEvents events) : ISelfUpdate
{
    /// <summary>A watch checks for a release at most this often (a run, once a day, always checks).</summary>
    public static readonly TimeSpan WatchCheckEvery = TimeSpan.FromHours(1);

    /// <summary>A doctor that has not answered in this long is a failed one.</summary>
    public static readonly TimeSpan DoctorTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Attempts within one check at a download cut midway, each going on from the bytes already here.</summary>
    public const int DownloadAttempts = 3;

    /// <summary>The largest release accepted (a manifest is signed, but a size is never trusted to fill a disk).</summary>
    public const long MaxReleaseBytes = 512L * 1024 * 1024;

    /// <summary>The version this process is.</summary>
    public static string Running => BackendClient.Version;

    public InstallLayout Layout => layout;

    /// <summary>Checks for a release and installs it: true when a new release is now current (a watch then restarts into it).</summary>
    public async Task<bool> CheckAsync(SpoolState state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.HighestReleaseVersion = ReleaseVersions.Max(state.HighestReleaseVersion, Running);
        state.LastReleaseCheck = clock.GetUtcNow();
        var trusted = ReleaseCheck.ReadKeys(state.TrustedReleaseKeys ?? config.ReleaseSigningKeys);
        if (trusted.Count == 0 || config.Sites.Count == 0)
        {
            events.Say(UpdateMessages.NoReleaseKey());
            return false;
        }

        var token = config.Sites[0].Token;
        ReleaseManifestDto? manifest;
        string? cleared;
        try
        {
            (manifest, cleared) = await backend.GetReleaseManifestAsync(token, InstallLayout.Runtime, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException or JsonException or BackendAuthException)
        {
            events.Say(UpdateMessages.Unreachable(Redact.Credentials(ex.Message)));
            return false;
        }

        if (manifest is null || !ReleaseVersions.IsValid(manifest.Version) || ReleaseVersions.Compare(manifest.Version, Running) <= 0)
        {
            return false; // nothing newer offered
        }

        // One install at a time per install folder: the daily run and the watch service (ADR 0023) may both get here, and
        // two downloads into one folder, or two swaps, would each undo the other's.
        using var installing = FileLock.TryAcquire(layout.InstallLockPath);
        if (installing is null)
        {
            events.Say(UpdateMessages.AnotherInstalling(manifest.Version));
            return false;
        }

        var installed = LauncherState.Update(layout, now => cleared == manifest.Version && now.Blocked.Remove(manifest.Version)); // 'releases clear': the operator looked and lets this site try it again
        if (installed.Current == manifest.Version && File.Exists(layout.BinaryOf(manifest.Version)))
        {
            return true; // another process (the daily run beside a watch) installed it already: start it
        }

        if (installed.IsBlocked(manifest.Version, manifest.SignedAt))
        {
            events.Say(UpdateMessages.Blocked(manifest.Version));
            return false;
        }

        if (ReleaseCheck.Refusal(manifest, trusted, clock.GetUtcNow(), InstallLayout.Runtime, state.HighestReleaseVersion) is { } refusal)
        {
            return Fail(manifest.Version, refusal);
        }

        if (installed.IsBlocked(manifest.Version))
        {
            // Signed again after it was rolled back here: the operator cleared it (verified above), so it may be tried.
            LauncherState.Update(layout, now => now.Blocked.Remove(manifest.Version));
        }

        if (manifest.TrustedKeys is { Count: > 0 } rotated && ReleaseCheck.ReadKeys(rotated).Count > 0)
        {
            state.TrustedReleaseKeys = [.. rotated]; // vouched for by a key trusted until now: the next manifest is checked with these
        }

        if (manifest.Size <= 0 || manifest.Size > MaxReleaseBytes)
        {
            return Fail(manifest.Version, UpdateFailureCodes.SizeMismatch);
        }

        var downloaded = await DownloadAsync(token, manifest, ct);
        if (downloaded == UpdateFailureCodes.DownloadFailed)
        {
            return Fail(manifest.Version, downloaded); // what arrived stays: the next attempt goes on from there
        }

        if (downloaded is not null)
        {
            Discard(manifest.Version);
            return Fail(manifest.Version, downloaded);
        }

        if (!await DoctorPassesAsync(manifest.Version, ct))
        {
            Discard(manifest.Version);
            return Fail(manifest.Version, UpdateFailureCodes.DoctorFailed);
        }

        MakeCurrent(manifest.Version);
        state.HighestReleaseVersion = ReleaseVersions.Max(state.HighestReleaseVersion, manifest.Version);
        events.Say(UpdateMessages.Updated(Running, manifest.Version));
        return true;
    }

    /// <inheritdoc/>
    public UpdateReportDto? ReportFor(string site) => LauncherState.Load(layout).ReportFor(site);

    /// <inheritdoc/>
    public void Reported(string site, UpdateReportDto report) =>
        LauncherState.Update(layout, now =>
        {
            if (now.Report != report || now.ReportedTo.Contains(site))
            {
                return false;
            }

            now.ReportedTo.Add(site);
            return true;
        });

    /// <summary>A run always checks (once a day); a watch once an hour.</summary>
    public bool IsDue(RunScope scope, SpoolState state) =>
        scope == RunScope.All || state.LastReleaseCheck is not { } last || clock.GetUtcNow() - last >= WatchCheckEvery;

    /// <summary>
    /// Downloads the release next to the others, resuming a download an earlier attempt or run left (the backend's binary
    /// route serves byte ranges, ADR 0026): null when the file is whole and its size and SHA-256 are the manifest's (the
    /// manifest's signature was checked before), else the reason. The partial file is named by the signed SHA-256, so one
    /// left by another release (another version, or the same version published again with other bytes) is never resumed:
    /// it is deleted. Nothing is checked before the file is whole; a cut transfer is <see cref="UpdateFailureCodes.DownloadFailed"/>
    /// with the bytes kept, owner-only like the release folder.
    /// </summary>
    private async Task<string?> DownloadAsync(string token, ReleaseManifestDto manifest, CancellationToken ct)
    {
        OwnerOnly.CreateDirectory(layout.VersionsDirectory);
        DiscardAbandoned(manifest.Version);
        var folder = layout.VersionDirectory(manifest.Version);
        OwnerOnly.CreateDirectory(folder);
        var partial = layout.PartialOf(manifest.Version, manifest.Sha256);
        foreach (var other in Directory.EnumerateFiles(folder, "*" + InstallLayout.PartialSuffix).Where(f => f != partial))
        {
            File.Delete(other); // another release's bytes: never the start of this one
        }

        long size;
        byte[] digest;
        try
        {
            await using (var file = new FileStream(partial, OwnerOnly.NewFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file.SafeFileHandle, OwnerOnly.FileMode); // one left by an older release, or by hand
                }

                if (file.Length > manifest.Size)
                {
                    file.SetLength(0); // cannot be the start of this file
                }

                if (file.Length > 0)
                {
                    events.Say(UpdateMessages.Resuming(manifest.Version, file.Length, manifest.Size));
                }

                for (var attempt = 1; file.Length < manifest.Size; attempt++)
                {
                    var before = file.Length;
                    try
                    {
                        await backend.DownloadReleaseAsync(token, manifest, file, ct);
                    }
                    catch (Exception ex) when (attempt < DownloadAttempts && ex is HttpRequestException or IOException)
                    {
                        if (file.Length > before)
                        {
                            continue; // cut midway after some bytes: the next attempt asks for the rest
                        }

                        throw;
                    }

                    var startedOver = before > 0 && file.Length == 0; // the store would not resume this file: ask for all of it
                    if (!startedOver || attempt >= DownloadAttempts)
                    {
                        break; // whole, or what the store calls whole (the size check below tells)
                    }
                }

                size = file.Length;
                file.Position = 0;
                digest = size == manifest.Size ? await SHA256.HashDataAsync(file, ct) : [];
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException or BackendAuthException)
        {
            events.Say(UpdateMessages.DownloadCut(manifest.Version, File.Exists(partial) ? new FileInfo(partial).Length : 0, manifest.Size));
            return UpdateFailureCodes.DownloadFailed;
        }

        if (size != manifest.Size)
        {
            return UpdateFailureCodes.SizeMismatch;
        }

        if (!string.Equals(Convert.ToHexStringLower(digest), manifest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return UpdateFailureCodes.DigestMismatch;
        }

        var binary = layout.BinaryOf(manifest.Version);
        File.Move(partial, binary, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return null;
    }

    /// <summary>The new release's own <c>doctor</c> against this config: it must exit 0 before it may become current.</summary>
    private async Task<bool> DoctorPassesAsync(string version, CancellationToken ct)
    {
        var start = new ProcessStartInfo(layout.BinaryOf(version)) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CommandNames.Doctor);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(Path.GetFullPath(configPath));
        start.Environment[InstallLayout.LauncherVariable] = layout.LauncherPath;
        start.Environment[ReleaseIdentity.Variable] = version;
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var errors = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(DoctorTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            await Task.WhenAll(output, errors);
            return process.ExitCode == ExitCodes.Ok;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not even startable here
        }
    }

    /// <summary>
    /// One rename: the new release current and on trial, what the launcher would start now its way back; older ones
    /// removed. Under the state lock, so a rollback or a confirmation by another process's launcher is not undone.
    /// </summary>
    private void MakeCurrent(string version)
    {
        var launcher = LauncherState.Update(layout, now =>
        {
            // Normally the release running this (or null: the launcher itself); if a launcher rolled that back meanwhile,
            // the one it went back to.
            now.Previous = now.Current is { } current && !now.IsBlocked(current) && File.Exists(layout.BinaryOf(current)) ? current : null;
            now.Current = version;
            now.Trial = true;
            now.Tell(new UpdateReportDto(UpdateStates.Updated, version, Running, null, clock.GetUtcNow()));
            return true;
        });
        foreach (var folder in Directory.EnumerateDirectories(layout.VersionsDirectory))
        {
            var name = Path.GetFileName(folder);
            if (name != launcher.Current && name != launcher.Previous)
            {
                TryDelete(folder);
            }
        }
    }

    private bool Fail(string version, string reason)
    {
        LauncherState.Update(layout, now =>
        {
            now.Tell(new UpdateReportDto(UpdateStates.UpdateFailed, version, Running, reason, clock.GetUtcNow()));
            return true;
        });
        events.Say(UpdateMessages.Failed(version, reason));
        return false;
    }

    private void Discard(string version)
    {
        if (LauncherState.Load(layout) is var launcher && launcher.Current != version && launcher.Previous != version)
        {
            TryDelete(layout.VersionDirectory(version));
        }
    }

    /// <summary>The folders of releases that are neither current, previous nor <paramref name="downloading"/>: partial downloads of a release no longer offered.</summary>
    private void DiscardAbandoned(string downloading)
    {
        var launcher = LauncherState.Load(layout);
        foreach (var folder in Directory.EnumerateDirectories(layout.VersionsDirectory))
        {
            var name = Path.GetFileName(folder);
            if (name != downloading && name != launcher.Current && name != launcher.Previous)
            {
                TryDelete(folder);
            }
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder still in use (Windows) goes with the next update's clean-up.
        }
    }
}
