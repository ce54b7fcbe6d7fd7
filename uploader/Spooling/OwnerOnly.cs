namespace PecLists.Uploader.Spooling;

/// <summary>
/// The spool (snapshots of personal data, its quarantine, its state) and the log are readable only by the account that
/// runs the uploader: on Unix folders 0700 and files 0600 whatever the umask; on Windows a protected ACL on the folder
/// (the account, SYSTEM, Administrators; inherited by what is inside), instead of ProgramData's read for Users.
/// Existing folders are tightened on every run, so installs made before this are fixed by their next run.
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and its missing parents) if needed, and restricts it to the owner.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            var existed = Directory.Exists(path);
            Directory.CreateDirectory(path);
            if (!existed)
            {
                WindowsOwnerOnlyAcl.Restrict(path);
            }
        }
        else
        {
            Directory.CreateDirectory(path, DirectoryMode);
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }

    /// <summary>Options for a new file that is owner-only from its creation on Unix (0600).</summary>
    public static FileStreamOptions NewFile(System.IO.FileMode mode, FileAccess access, FileShare share, FileOptions options = FileOptions.None) =>
        OperatingSystem.IsWindows()
            ? new FileStreamOptions { Mode = mode, Access = access, Share = share, Options = options, BufferSize = 1 << 16 }
            : new FileStreamOptions { Mode = mode, Access = access, Share = share, Options = options, BufferSize = 1 << 16, UnixCreateMode = FileMode };

    /// <summary>
    /// Restricts <paramref name="root"/> (created if missing) and the entries under it that are the uploader's own to the
    /// owner: the top-level names <paramref name="ours"/> accepts, with everything inside them, so a folder configured
    /// where other files live never has those changed. Returns how many could not be changed (another account's files).
    /// </summary>
    public static int RestrictTree(string root, Func<string, bool> ours)
    {
        CreateDirectory(root);
        if (OperatingSystem.IsWindows())
        {
            WindowsOwnerOnlyAcl.Restrict(root); // inherited by everything inside
            return 0;
        }

        var failed = 0;
        var recurse = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        var top = new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true })
            .Where(e => ours(e.Name) && e.LinkTarget is null)
            .ToList();
        foreach (var entry in top.Concat(top.OfType<DirectoryInfo>().SelectMany(d => d.EnumerateFileSystemInfos("*", recurse))))
        {
            if (entry.LinkTarget is not null)
            {
                continue; // never follow a link out of the spool
            }

            var wanted = entry is DirectoryInfo ? DirectoryMode : FileMode;
            try
            {
                if (entry.UnixFileMode != wanted)
                {
                    entry.UnixFileMode = wanted;
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                failed++;
            }
        }

        return failed;
    }
}
