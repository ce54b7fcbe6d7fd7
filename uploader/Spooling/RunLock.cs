namespace PecLists.Uploader.Spooling;

/// <summary>
/// One run at a time per spool: a scheduled run and one started by hand must not both extract, and the second must
/// not quarantine the first one's in-progress file as "interrupted". A <see cref="FileLock"/> on "run.lock" in the spool.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileLock _lock;

    private RunLock(FileLock held) => _lock = held;

    /// <summary>The lock, or null when another run holds it.</summary>
    public static RunLock? TryAcquire(string spoolRoot)
    {
        OwnerOnly.CreateDirectory(spoolRoot);
        return FileLock.TryAcquire(Path.Combine(spoolRoot, "run.lock")) is { } held ? new RunLock(held) : null;
    }

    public void Dispose() => _lock.Dispose();
}
