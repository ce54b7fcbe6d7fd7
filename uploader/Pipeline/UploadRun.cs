using PecLists.Uploader.Config;
using PecLists.Uploader.Output;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// A whole run of the uploader: one at a time per spool, interrupted spool files to quarantine, then each site in turn
/// (<see cref="SiteRun"/>), the spool's drop counters kept until a heartbeat that carries them arrives. Its collaborators
/// (the source, the backend client, the clock) come from outside, so a command only builds them, calls this and prints.
/// </summary>
public sealed class UploadRun(
    UploaderConfig config,
    ISnapshotSource source,
    BackendClient backend,
    TimeProvider clock,
    Action<RunEvent>? onEvent = null,
    TerminalProgress? progress = null,
    RunScope scope = RunScope.All,
    ISelfUpdate? selfUpdate = null)
{
    public async Task<RunResult> ExecuteAsync(CancellationToken ct)
    {
        var events = new RunEvents(clock, onEvent);
        if (config.PinnedListSigningKeys().Count == 0)
        {
            events.Say(RunMessages.NoSigningKey());
            return new RunResult(ExitCodes.Config, [], events.All);
        }

        var spool = new Spool(config.SpoolDirectory);
        using var runLock = RunLock.TryAcquire(spool.Root);
        if (runLock is null)
        {
            events.Say(RunMessages.Busy());
            return new RunResult(ExitCodes.Busy, [], events.All);
        }

        // Personal data: the spool is its owner's only, tightened on every run (installs made before included), and what
        // was quarantined is kept only quarantineRetentionDays.
        var unrestricted = spool.RestrictToOwner();
        if (unrestricted > 0)
        {
            events.Say(RunMessages.NotRestricted(unrestricted, spool.Root));
        }

        var expired = spool.ExpireQuarantine(clock.GetUtcNow(), TimeSpan.FromDays(config.QuarantineRetentionDays));
        if (expired > 0)
        {
            events.Say(RunMessages.QuarantineExpired(expired, config.QuarantineRetentionDays, spool.QuarantineDirectory));
        }

        var state = SpoolState.Load(spool.Root);
        var quarantined = spool.QuarantinePartials();
        state.Quarantined += quarantined;
        if (quarantined > 0)
        {
            events.Say(RunMessages.PartialsQuarantined(quarantined, spool.QuarantineDirectory));
        }

        var sites = new List<SiteRunResult>();
        var worst = ExitCodes.Ok;
        foreach (var site in config.Sites)
        {
            var update = selfUpdate?.ReportFor(site.Ibge);
            var result = await new SiteRun(config, site, spool, state, source, backend, clock, events, progress, scope, update).ExecuteAsync(ct);
            sites.Add(result);
            if (result.HeartbeatDelivered && update is not null)
            {
                selfUpdate!.Reported(site.Ibge, update);
            }

            worst = worst == ExitCodes.Ok ? result.ExitCode : worst;
            if (result.HeartbeatDelivered)
            {
                state = state.Reported(site.Ibge); // reported: start counting again
            }

            state.Save(spool.Root);
        }

        // Data first: the uploader updates itself only after every site has delivered (docs/adr/0027).
        var updated = false;
        if (selfUpdate is not null && selfUpdate.IsDue(scope, state))
        {
            updated = await selfUpdate.CheckAsync(state, ct);
            state.Save(spool.Root);
        }

        spool.RestrictToOwner(); // what this run wrote (state, list cache, sent log)
        events.Say(RunMessages.Finished(worst));
        return new RunResult(worst, sites, events.All, updated);
    }
}
