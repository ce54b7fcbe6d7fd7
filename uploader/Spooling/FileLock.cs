using System.Diagnostics;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// An exclusive open of a lock file (flock on Linux, a sharing lock on Windows) that the OS drops when the process ends,
/// so a crash never leaves it held. Two processes, or two calls in one process (each open is its own lock), exclude each
/// other. What <see cref="RunLock"/> holds for a run, and what guards the launcher's <c>versions/state.json</c>.
/// </summary>
public sealed class FileLock : IDisposable
{
    /// <summary>How long a waiting acquirer sleeps between attempts (the OS offers no blocking wait through FileStream).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    private readonly FileStream _file;

    private FileLock(FileStream file) => _file = file;

    /// <summary>The lock on <paramref name="path"/> (created owner-only, its folder too), or null when another holder has it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            return new FileLock(new FileStream(path, OwnerOnly.NewFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The lock on <paramref name="path"/>, waiting up to <paramref name="patience"/> for its holder; null when it was not freed in time.</summary>
    public static FileLock? Acquire(string path, TimeSpan patience)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (TryAcquire(path) is { } held)
            {
                return held;
            }

            if (waited.Elapsed >= patience)
            {
                return null;
            }

            Thread.Sleep(Poll);
        }
    }

    public void Dispose() => _file.Dispose();
}
