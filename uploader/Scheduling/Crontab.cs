using System.Diagnostics;

namespace PecLists.Uploader.Scheduling;

/// <summary>The current user's crontab through the crontab command (null when cron is not installed).</summary>
public static class Crontab
{
    public static string? Read()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("crontab", "-l") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null)
            {
                return null;
            }

            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? text : string.Empty; // "no crontab for user" exits 1
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
