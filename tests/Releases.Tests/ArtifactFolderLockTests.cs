using LocalInfra;

namespace Releases.Tests;

/// <summary>
/// The lock that keeps two test processes of one checkout from publishing into the same .artifacts folder at once
/// (<see cref="ArtifactFolderLock"/>, used by the release builds these tests share).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArtifactFolderLockTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("artifact-lock-").FullName;

    [Fact]
    public async Task Another_process_cannot_take_a_held_folder_lock_until_its_holder_disposes_it()
    {
        var folder = Path.Combine(_work, "selfupdate-e2e");
        var lockFile = folder + ".lock";

        // util-linux flock(1) takes the same advisory flock .NET takes for FileShare.None; --nonblock answers at once.
        using (await ArtifactFolderLock.AcquireAsync(folder, TimeSpan.FromMinutes(1)))
        {
            var whileHeld = await ProcessRunner.RunAsync("flock", ["--nonblock", "--conflict-exit-code", "3", lockFile, "true"]);
            Assert.True(whileHeld.ExitCode == 3, $"another process took the lock while it was held:\n{whileHeld.Combined}");
        }

        var afterDispose = await ProcessRunner.RunAsync("flock", ["--nonblock", "--conflict-exit-code", "3", lockFile, "true"]);
        Assert.True(afterDispose.ExitCode == 0, $"the lock was still held after its holder disposed it:\n{afterDispose.Combined}");
    }

    [Fact]
    public async Task A_second_acquire_while_the_lock_is_held_times_out_naming_the_lock_file_and_succeeds_once_it_is_released()
    {
        var folder = Path.Combine(_work, "previous-release", "941aea0");

        var first = await ArtifactFolderLock.AcquireAsync(folder, TimeSpan.FromMinutes(1));
        var refused = await Assert.ThrowsAsync<TimeoutException>(() => ArtifactFolderLock.AcquireAsync(folder, TimeSpan.FromSeconds(1)));
        Assert.Contains(folder + ".lock", refused.Message, StringComparison.Ordinal);

        first.Dispose();
        using var second = await ArtifactFolderLock.AcquireAsync(folder, TimeSpan.FromSeconds(1));
        Assert.NotNull(second);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
