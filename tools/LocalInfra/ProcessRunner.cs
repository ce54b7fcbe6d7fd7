namespace LocalInfra;

/// <summary>Runs short commands to completion, capturing their output (each a <see cref="ChildProcess"/>).</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        // Standard input stays this process's, as for a command typed at a shell.
        await using var child = ChildProcess.Start(fileName, arguments, environment, workingDirectory, redirectStandardInput: false);
        try
        {
            await child.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(5), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await child.DisposeAsync(); // kills the whole tree
            throw new TimeoutException($"{child.CommandLine} did not finish in time.\n{child.StandardOutput}{child.StandardError}");
        }

        return new ProcessResult(child.ExitCode, child.StandardOutput, child.StandardError);
    }

    public static async Task<ProcessResult> RunCheckedAsync(
        string fileName,
        IEnumerable<string> arguments,
        IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var args = arguments.ToList();
        var result = await RunAsync(fileName, args, environment, workingDirectory, timeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', args)} exited with {result.ExitCode}:\n{result.Combined}");
        }

        return result;
    }
}
