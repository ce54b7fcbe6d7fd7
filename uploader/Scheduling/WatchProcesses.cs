namespace PecLists.Uploader.Scheduling;

/// <summary>
/// Whether a <c>watch --config &lt;path&gt;</c> process runs on this Linux machine, read from <c>/proc/&lt;pid&gt;/cmdline</c>
/// (NUL-separated arguments, proc(5)): how doctor tells a cron-started watch (which no service manager tracks) is alive.
/// Processes of other users are readable too (cmdline is world-readable unless hidepid is set; then only ours are seen,
/// and the watch runs as the daily run's user, which is who runs doctor).
/// </summary>
public static class WatchProcesses
{
    public static bool AnyRunning(string configPath, string procRoot = "/proc")
    {
        if (!Directory.Exists(procRoot))
        {
            return false;
        }

        var wanted = Path.GetFullPath(configPath);
        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            string[] arguments;
            try
            {
                arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // the process ended meanwhile, or is not ours to read
            }

            if (IsWatchOf(arguments, wanted))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the arguments hold <c>watch</c> followed (anywhere later) by <c>--config</c> and the config's path.</summary>
    public static bool IsWatchOf(IReadOnlyList<string> arguments, string configPath)
    {
        var watch = -1;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "watch" && watch < 0)
            {
                watch = i;
            }
            else if (watch >= 0 && arguments[i] == "--config" && i + 1 < arguments.Count && SamePath(arguments[i + 1], configPath))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SamePath(string argument, string configPath)
    {
        try
        {
            return string.Equals(Path.GetFullPath(argument.Trim('"')), configPath, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }
}
