using PecLists.Uploader.Config;
using PecLists.Uploader.Output;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Commands;

/// <summary><c>run</c>: what the schedule starts. The run itself is <see cref="UploadRun"/>; this prints its events.</summary>
public sealed class RunCommand(UploaderConfig config, TextWriter log, TerminalProgress? progress = null)
{
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        using var backend = new BackendClient(config.Endpoint, config.Upload);
        using var sources = SourcesByKind.For(config);
        var run = new UploadRun(config, sources, backend, TimeProvider.System, Print, progress);
        return (await run.ExecuteAsync(ct)).ExitCode;
    }

    private void Print(RunEvent happened)
    {
        progress?.Clear();
        log.WriteLine($"{happened.At:yyyy-MM-dd HH:mm:ss} {happened.Message}");
    }
}
