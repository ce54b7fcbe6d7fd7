using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace LocalInfra;

/// <summary>
/// A child process whose output is kept (and optionally echoed, line by line) until it is disposed: the one way the
/// local infrastructure starts processes, long-running (Azurite) or run to completion (<see cref="ProcessRunner"/>).
/// Disposing it kills whatever is still running of its process tree.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _standardOutput = new();
    private readonly StringBuilder _standardError = new();
    private int _disposed;

    private ChildProcess(Process process)
    {
        _process = process;
        CommandLine = $"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)}";
    }

    /// <summary>Every line so far, standard output and standard error interleaved as they arrived.</summary>
    public IReadOnlyCollection<string> OutputLines => _lines;

    public string Output => string.Join('\n', _lines);

    /// <summary>Standard output so far, each line ended by a newline.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_standardOutput)
            {
                return _standardOutput.ToString();
            }
        }
    }

    /// <summary>Standard error so far, each line ended by a newline.</summary>
    public string StandardError
    {
        get
        {
            lock (_standardError)
            {
                return _standardError.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>The command line, for messages.</summary>
    public string CommandLine { get; }

    /// <summary>
    /// Starts <paramref name="fileName"/>. An <paramref name="environment"/> value of null unsets the variable.
    /// Standard input is redirected (and left open) unless <paramref name="redirectStandardInput"/> is false, when the
    /// child inherits this process's.
    /// </summary>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        Action<string>? onLine = null,
        bool redirectStandardInput = true)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStandardInput,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key); // unset, not set to empty
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = startInfo };
        var child = new ChildProcess(process);
        void Receive(string? line, StringBuilder stream)
        {
            if (line is null)
            {
                return;
            }

            lock (stream)
            {
                stream.Append(line).Append(Environment.NewLine);
            }

            child._lines.Enqueue(line);
            onLine?.Invoke(line);
        }

        process.OutputDataReceived += (_, e) => Receive(e.Data, child._standardOutput);
        process.ErrorDataReceived += (_, e) => Receive(e.Data, child._standardError);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Waits for the process to exit and for all of its output to be read, and returns its exit code. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="timeout"/> passes or <paramref name="cancellationToken"/>
    /// is cancelled first (the process keeps running until it is disposed).
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // stopped already (e.g. Azurite stopped for an outage, then the whole pipeline disposed)
        }

        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
        }

        _process.Dispose();
    }
}
