using PecLists.Contracts;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// When an active list runs on a schedule (every few minutes), the watch service must be installed and running (ADR
/// 0023): else those lists run only with the daily run, and nothing else says so. No check when no list has a schedule.
/// <paramref name="watch"/> reads this machine's service (null: not checked, as right after install, where a cron-started
/// watch only starts at the next boot and the Windows task a minute later).
/// </summary>
public static class WatchServiceCheck
{
    public const string Name = "watch-service";

    public static void Check(List<DoctorCheck> checks, IReadOnlyList<ListDefinitionDto> lists, Func<WatchServiceStatus>? watch)
    {
        var scheduled = lists.Where(l => l.Schedule is not null).Select(l => l.Name).Distinct(StringComparer.Ordinal).ToList();
        if (scheduled.Count == 0 || watch is null)
        {
            return;
        }

        var names = string.Join(", ", scheduled);
        var status = watch();
        checks.Add(status.State switch
        {
            WatchServiceState.Running => DoctorCheck.Pass(Name, FailureCategories.Config, Localized.Text(
                $"watch service running ({Describe(status.Kind)}) for {names}",
                $"serviço watch em execução ({Describe(status.Kind)}) para {names}")),
            WatchServiceState.NotInstalled => DoctorCheck.Fail(Name, FailureCategories.Config,
                Localized.Text(
                    $"{names} run every few minutes, but the watch service is not installed: they run only once a day",
                    $"{names} rodam a cada poucos minutos, mas o serviço watch não está instalado: elas só rodam uma vez por dia"),
                Localized.Text("Run 'uploader install' again (it installs the watch service beside the daily run).", "Execute 'uploader install' de novo (ele instala o serviço watch junto com a execução diária)."),
                Name),
            WatchServiceState.Stopped => DoctorCheck.Fail(Name, FailureCategories.Config,
                Localized.Text(
                    $"{names} run every few minutes, but the watch service ({Describe(status.Kind)}) is not running: they run only once a day",
                    $"{names} rodam a cada poucos minutos, mas o serviço watch ({Describe(status.Kind)}) não está em execução: elas só rodam uma vez por dia"),
                StartFix(status.Kind),
                Name),
            _ => DoctorCheck.Warn(Name, FailureCategories.Config,
                Localized.Text(
                    $"{names} run every few minutes; whether the watch service runs could not be checked on this system",
                    $"{names} rodam a cada poucos minutos; não foi possível verificar neste sistema se o serviço watch está em execução"),
                Localized.Text("Make sure 'uploader watch --config …' runs as a service (see the README).", "Garanta que 'uploader watch --config …' rode como serviço (veja o README)."),
                Name + "-unknown"),
        });
    }

    private static string Describe(WatchServiceKind kind) => kind switch
    {
        WatchServiceKind.Systemd => $"systemd {SystemdScheduler.WatchUnitName}.service",
        WatchServiceKind.Cron => "cron @reboot",
        WatchServiceKind.TaskScheduler => ScheduleDefinitions.WatchTaskName,
        _ => "-",
    };

    private static string StartFix(WatchServiceKind kind) => kind switch
    {
        WatchServiceKind.Systemd => Localized.Text(
            $"Start it: sudo systemctl start {SystemdScheduler.WatchUnitName}; if it stops again, see: journalctl -u {SystemdScheduler.WatchUnitName}",
            $"Inicie-o: sudo systemctl start {SystemdScheduler.WatchUnitName}; se parar de novo, veja: journalctl -u {SystemdScheduler.WatchUnitName}"),
        WatchServiceKind.TaskScheduler => Localized.Text(
            $"Start it: schtasks /Run /TN \"{ScheduleDefinitions.WatchTaskName}\" (as administrator)",
            $"Inicie-o: schtasks /Run /TN \"{ScheduleDefinitions.WatchTaskName}\" (como administrador)"),
        _ => Localized.Text(
            "cron starts it only at boot: start it now with 'nohup uploader watch --config <config> >/dev/null 2>&1 &' as the user of the daily run, or reboot",
            "o cron só o inicia no boot: inicie-o agora com 'nohup uploader watch --config <config> >/dev/null 2>&1 &' como o usuário da execução diária, ou reinicie a máquina"),
    };
}
