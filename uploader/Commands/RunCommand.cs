using PecLists.Uploader.Config;
using PecLists.Uploader.Output;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Transport;
using PecLists.Uploader.Updating;

namespace PecLists.Uploader.Commands;

/// <summary>
/// <c>run</c>: what the schedule starts. The run itself is <see cref="UploadRun"/>, which updates the uploader after it
/// delivered when <paramref name="configPath"/> is given (docs/adr/0027); this prints its events.
/// </summary>
public sealed class RunCommand(UploaderConfig config, TextWriter log, TerminalProgress? progress = null, string? configPath = null)
{
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        using var backend = new BackendClient(config.Endpoint, config.Upload);
        using var sources = SourcesByKind.For(config);
        var events = new RunEvents(TimeProvider.System, Print);
        var selfUpdate = configPath is null ? null : new SelfUpdate(config, configPath, backend, InstallLayout.ForThisProcess(), TimeProvider.System, events);
        StartedMarker.Write();
        var run = new UploadRun(config, sources, backend, TimeProvider.System, Print, progress, RunScope.All, selfUpdate);
        return (await run.ExecuteAsync(ct)).ExitCode;
    }

    private void Print(RunEvent happened)
    {
        progress?.Clear();
        log.WriteLine($"{happened.At:yyyy-MM-dd HH:mm:ss} {happened.Message}");
    }
}
