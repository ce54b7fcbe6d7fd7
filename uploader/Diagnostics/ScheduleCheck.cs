using PecLists.Contracts;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Diagnostics;

/// <summary>The daily run is registered: <paramref name="schedule"/> gives the scheduler's text (see <see cref="IScheduler.Current"/>).</summary>
public static class ScheduleCheck
{
    private const string Name = "schedule";

    public static void Check(List<DoctorCheck> checks, Func<string?>? schedule)
    {
        if (schedule is null)
        {
            checks.Add(DoctorCheck.Warn(Name, FailureCategories.Config, Localized.Text("schedule not checked on this system", "agendamento não verificado neste sistema"), Localized.Text("Run 'uploader install' to register the daily run.", "Execute 'uploader install' para registrar a execução diária."), "schedule-unknown"));
            return;
        }

        var table = schedule();
        checks.Add(table is not null && table.Contains(ScheduleDefinitions.CronMarker, StringComparison.Ordinal)
            ? DoctorCheck.Pass(Name, FailureCategories.Config, Localized.Text("daily run registered", "execução diária registrada"))
            : DoctorCheck.Fail(Name, FailureCategories.Config, Localized.Text("no daily run registered", "nenhuma execução diária registrada"), Localized.Text("Run 'uploader install' (it registers the daily run).", "Execute 'uploader install' (ele registra a execução diária)."), "schedule"));
    }
}
