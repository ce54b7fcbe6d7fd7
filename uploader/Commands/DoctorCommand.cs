using PecLists.Uploader.Config;
using PecLists.Uploader.Diagnostics;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Updating;

namespace PecLists.Uploader.Commands;

/// <summary>
/// <c>doctor</c>: runs the checks (<see cref="Doctor"/>), prints each with how to fix what is wrong, and sends the
/// report as a heartbeat (not when the self-update is trying this release before it is current: <see cref="CandidateRelease"/>). Exit code: 0 when nothing failed, else the one run gives the first failure's category.
/// </summary>
public sealed class DoctorCommand(UploaderConfig config, TextWriter output, Func<string?>? crontab = null, Func<Scheduling.WatchServiceStatus>? watch = null)
{
    public async Task<(int ExitCode, IReadOnlyList<DoctorCheck> Checks)> ExecuteAsync(CancellationToken ct)
    {
        using var doctor = new Doctor(config, crontab, watch);
        var report = await doctor.RunAsync(ct);
        foreach (var check in report.Checks)
        {
            var mark = check.Outcome switch { DoctorOutcome.Pass => Localized.Text("ok  ", "ok   "), DoctorOutcome.Warn => Localized.Text("warn", "aviso"), _ => Localized.Text("FAIL", "FALHA") };
            output.WriteLine($"[{mark}] {check.Name,-16} {check.Detail}");
            if (check.Fix is not null && check.Outcome != DoctorOutcome.Pass)
            {
                output.WriteLine(Localized.Text($"       fix: {check.Fix}", $"        como resolver: {check.Fix}"));
            }
        }

        output.WriteLine(report.FirstFailure is null
            ? Localized.Text("doctor: everything needed for a run is in place", "doctor: tudo o que a execução precisa está em ordem")
            : Localized.Text($"doctor: {report.FailureCount} problem(s) to fix", $"doctor: {report.FailureCount} problema(s) a resolver"));

        if (CandidateRelease.IsThisProcess())
        {
            // The self-update trying this release before it is current: it is not the site's version yet (docs/adr/0027).
            output.WriteLine(Localized.Text(
                "doctor: this release is being tried before it becomes current; no heartbeat sent (the next run's heartbeat tells the result)",
                "doctor: esta versão está sendo testada antes de entrar em uso; nenhum heartbeat enviado (o heartbeat da próxima execução informa o resultado)"));
        }
        else
        {
            await doctor.SendAsync(report.Heartbeat(DateTimeOffset.UtcNow), ct);
        }
        return (report.ExitCode, report.Checks);
    }
}
