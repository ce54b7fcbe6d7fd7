using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// Checks everything a run needs, with the limits run uses: config, database (reachable, rights, the lists' tables,
/// PEC reporting freshness), backend (DNS, HTTPS, health), clock, token, signatures, disk and schedule.
/// <paramref name="schedule"/> reads the scheduler (null: not checked on this system); <paramref name="watch"/> the watch
/// service, checked when a list runs every few minutes (null: not checked on this system).
/// </summary>
public sealed class Doctor(UploaderConfig config, Func<string?>? schedule = null, Func<Scheduling.WatchServiceStatus>? watch = null) : IDisposable
{
    private readonly BackendClient _backend = BackendClient.Once(config.Endpoint, config.Upload.Proxy);

    public async Task<DoctorReport> RunAsync(CancellationToken ct)
    {
        var checks = new List<DoctorCheck>();
        await DatabaseChecks.CheckConnectionAsync(checks, config.Database.ConnectionString, ct);
        var lists = await BackendChecks.CheckAsync(checks, config, _backend, ct);
        IReadOnlyList<RefusedDefinition> refused = [];
        IReadOnlyList<ListDefinitionDto> verified = [];
        if (lists is not null)
        {
            (verified, refused) = SignatureCheck.Check(checks, config, lists);
            MaskingKeyCheck.Check(checks, config, verified);
            await DatabaseChecks.CheckListsAsync(checks, config.Database.ConnectionString, verified, ct);
        }

        SpoolDiskCheck.Check(checks, config.SpoolDirectory, config.SpoolMinFreeBytes);
        ScheduleCheck.Check(checks, schedule);
        WatchServiceCheck.Check(checks, [.. verified.Where(l => config.Lists.Count == 0 || config.Lists.Contains(l.Name))], watch);
        return new DoctorReport(checks, refused);
    }

    /// <summary>Sends <paramref name="heartbeat"/> for every site; one the backend does not take is not an error here.</summary>
    public async Task SendAsync(HeartbeatDto heartbeat, CancellationToken ct)
    {
        foreach (var site in config.Sites)
        {
            await _backend.SendHeartbeatAsync(site.Token, heartbeat, ct);
        }
    }

    public void Dispose() => _backend.Dispose();
}
