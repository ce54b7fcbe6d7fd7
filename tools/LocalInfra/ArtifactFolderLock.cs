namespace LocalInfra;

/// <summary>
/// An exclusive, cross-process lock on a folder of build outputs under .artifacts that tests fill once and reuse
/// (published uploader releases, the previous release built from git history): held while one process checks or fills
/// the folder, so two test processes of the same checkout (two projects run side by side by scripts/test.sh, or a test
/// run beside another) never publish into one folder at once nor read a half-written build.
/// </summary>
/// <remarks>
/// The lock is a file beside the folder opened with <see cref="FileShare.None"/>: on Unix .NET implements FileShare
/// with an advisory <c>flock(LOCK_EX | LOCK_NB)</c> (dotnet/runtime SafeFileHandle.Unix.cs; dotnet/corefx#23235), on
/// Windows it is the file's share mode. The OS drops it when the process ends however it ends, so a killed test run
/// leaves no stale lock behind. flock is per open file, so a second open in the same process waits too.
/// </remarks>
public sealed class ArtifactFolderLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private readonly FileStream _file;

    private ArtifactFolderLock(FileStream file) => _file = file;

    /// <summary>
    /// Waits until no other holder has <paramref name="folder"/>'s lock, then holds it until disposed. Fails after
    /// <paramref name="timeout"/> naming the lock file (another run still publishing, or one hung).
    /// </summary>
    public static async Task<ArtifactFolderLock> AcquireAsync(string folder, TimeSpan timeout)
    {
        var path = Path.TrimEndingDirectorySeparator(folder) + ".lock";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var file = await Eventually.UntilAsync(
            () => TryOpen(path),
            opened => opened is not null,
            timeout,
            $"the lock {path} (another process holds it: a test run publishing into {folder}, or one hung)",
            Poll,
            _ => "still held");
        return new ArtifactFolderLock(file!);
    }

    public void Dispose() => _file.Dispose();

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
