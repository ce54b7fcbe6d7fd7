using System.Diagnostics;

namespace PecLists.Uploader.Scheduling;

/// <summary>
/// Runs a scheduler's tool (crontab, systemctl, schtasks) the one way: arguments as a list, optional standard input,
/// output and error read asynchronously, and a bounded wait. Once the tool has exited its output is read for at most
/// 5 s, never until the pipes close: under Wine, schtasks's pipes stayed open for good after it exited (held, it
/// seems, by the Task Scheduler service it got started) and install hung.
/// </summary>
public static class SchedulerProcess
{
    private static readonly TimeSpan OutputAfterExit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="fileName"/> and waits up to <paramref name="timeout"/> (null: for as long as it takes); past
    /// it the tool is killed and <see cref="TimeoutException"/> thrown. A tool that is not installed throws
    /// <see cref="System.ComponentModel.Win32Exception"/>.
    /// </summary>
    public static ProcessResult Run(string fileName, IReadOnlyList<string> arguments, string? input = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardInput = input is not null, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(timeout ?? Timeout.InfiniteTimeSpan))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments.Take(1))} did not finish within {timeout!.Value.TotalSeconds:N0} s");
        }

        Task.WaitAll([output, error], OutputAfterExit);
        return new ProcessResult(process.ExitCode, Read(output), Read(error));
    }

    private static string Read(Task<string> stream) => stream.IsCompletedSuccessfully ? stream.Result : string.Empty;
}
