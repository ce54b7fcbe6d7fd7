namespace PecLists.Uploader.Spooling;

/// <summary>
/// One run at a time per spool: a scheduled run and one started by hand must not both extract, and the second must
/// not quarantine the first one's in-progress file as "interrupted". An exclusive open of "run.lock" (flock on
/// Linux, a sharing lock on Windows) that the OS drops when the process ends, so a crash never leaves it held.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _file;

    private RunLock(FileStream file) => _file = file;

    /// <summary>The lock, or null when another run holds it.</summary>
    public static RunLock? TryAcquire(string spoolRoot)
    {
        OwnerOnly.CreateDirectory(spoolRoot);
        try
        {
            return new RunLock(new FileStream(Path.Combine(spoolRoot, "run.lock"), OwnerOnly.NewFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
