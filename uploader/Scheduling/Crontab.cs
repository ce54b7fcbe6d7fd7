namespace PecLists.Uploader.Scheduling;

/// <summary>The current user's crontab through the crontab command (null when cron is not installed).</summary>
public static class Crontab
{
    public static string? Read()
    {
        try
        {
            var result = SchedulerProcess.Run("crontab", ["-l"]);
            return result.ExitCode == 0 ? result.Output : string.Empty; // "no crontab for user" exits 1
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
