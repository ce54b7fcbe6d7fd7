using PecLists.Uploader.Config;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Transport;
using PecLists.Uploader.Updating;

namespace PecLists.Uploader.Commands;

/// <summary>
/// <c>watch</c>: what the service runs (ADR 0023). Polls the lists that have a schedule, each every N minutes, until
/// stopped; the loop is <see cref="WatchLoop"/>, each tick an <see cref="UploadRun"/> of the scheduled lists; this prints.
/// After a tick, at most once an hour, it checks for a new release; when one was installed it stops with
/// <see cref="ExitCodes.Updated"/> and the launcher starts the new release's watch (docs/adr/0027).
/// The log is opened per tick (<paramref name="openLog"/>), so it rotates in a process that never ends.
/// </summary>
public sealed class WatchCommand(UploaderConfig config, Func<TextWriter> openLog, string? configPath = null)
{
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        using var backend = new BackendClient(config.Endpoint, config.Upload);
        using var source = SourcesByKind.For(config); // the BRT feed polled every minute is an HTTP list
        using var restart = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var updated = false;
        StartedMarker.Write();
        var loop = new WatchLoop(
            TimeProvider.System,
            now => ScheduledLists.AnyDue(config, now),
            () => ScheduledLists.Any(config),
            async tickCt =>
            {
                using var log = openLog();
                var selfUpdate = configPath is null ? null : new SelfUpdate(config, configPath, backend, InstallLayout.ForThisProcess(), TimeProvider.System, new RunEvents(TimeProvider.System, e => Print(log, e)));
                var result = await new UploadRun(config, source, backend, TimeProvider.System, e => Print(log, e), null, RunScope.Scheduled, selfUpdate).ExecuteAsync(tickCt);
                if (result.Updated)
                {
                    updated = true;
                    await restart.CancelAsync(); // the new release's watch goes on from here
                }

                return result;
            },
            WatchLoop.DefaultCatalogEvery * config.ScheduleMinute.TotalMinutes,
            config.ScheduleMinute);
        Say(RunMessages.WatchStarted());
        if (config.Watch is { MinuteSeconds: not WatchConfig.RealMinuteSeconds } watch)
        {
            Say(RunMessages.WatchMinuteShortened(watch.MinuteSeconds));
        }

        await loop.RunAsync(null, restart.Token);
        Say(RunMessages.WatchStopped());
        return updated ? ExitCodes.Updated : ExitCodes.Ok;
    }

    private void Say(string message)
    {
        using var log = openLog();
        Print(log, new RunEvent(DateTimeOffset.Now, message));
    }

    private static void Print(TextWriter log, RunEvent happened) => log.WriteLine($"{happened.At:yyyy-MM-dd HH:mm:ss} {happened.Message}");
}
