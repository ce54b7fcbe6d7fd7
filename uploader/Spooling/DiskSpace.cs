namespace PecLists.Uploader.Spooling;

/// <summary>The spool disk's free space, and whether a write failed because it ran out.</summary>
public static class DiskSpace
{
    /// <summary>Free bytes on the disk holding <paramref name="path"/> (created if missing); null when it cannot be read.</summary>
    public static long? FreeBytes(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            return new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>ENOSPC (Linux) or ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL (Windows).</summary>
    public static bool IsFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 112 or 39;
}
