using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Scheduling;

/// <summary>The invoking user's crontab, edited through the crontab command; only our marked line is touched.</summary>
public sealed class CronScheduler : IScheduler
{
    public string Register(ScheduledJob job)
    {
        Write(ScheduleDefinitions.MergeCrontab(Crontab.Read(), job));
        return Localized.Text("in cron", "no cron");
    }

    public void Unregister()
    {
        var current = Crontab.Read();
        var without = ScheduleDefinitions.MergeCrontab(current, null);
        if (current is not null && without != current)
        {
            Write(without);
        }
    }

    public string? Current() => Crontab.Read();

    private static void Write(string crontab)
    {
        var exit = SchedulerProcess.Run("crontab", ["-"], input: crontab).ExitCode;
        if (exit != 0)
        {
            throw new InvalidOperationException(Localized.Text($"crontab exited with {exit}.", $"crontab terminou com o código {exit}."));
        }
    }
}
