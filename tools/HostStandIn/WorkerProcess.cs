using System.Diagnostics;
using System.Net.Sockets;

namespace HostStandIn;

/// <summary>
/// The custom handler process, started as the host starts it (host: Workers/Http/HttpWorkerProcess.CreateWorkerProcess):
/// the executable and arguments of host.json, its working directory, the app settings as environment, plus the port
/// variables; then polled on "/" until it answers (host: DefaultHttpWorkerService.IsWorkerReady).
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The handler's process id (tests kill it to play a crash).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Completes when the process exits, whoever ended it.</summary>
    public Task WaitForExitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    /// <summary>SIGKILL, as `kill -9` or a machine losing power would end it: no shutdown code runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Exit code of an exited process.</summary>
    public int ExitCode => _process.ExitCode;

    public static WorkerProcess Start(CustomHandlerDescription description, string scriptRoot, AppSettings settings, int port, HostLog log)
    {
        var workerId = Guid.NewGuid().ToString();
        var startInfo = new ProcessStartInfo(description.ExecutablePath)
        {
            WorkingDirectory = description.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in description.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings.Values)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        // Host: HttpWorkerConstants (both the legacy httpWorker names and the customHandler names are set).
        startInfo.Environment["FUNCTIONS_HTTPWORKER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        startInfo.Environment["FUNCTIONS_HTTPWORKER_ID"] = workerId;
        startInfo.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        startInfo.Environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = workerId;
        startInfo.Environment["FUNCTIONS_APP_ROOT_PATH"] = scriptRoot;

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Write(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Write(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, port);
    }

    /// <summary>Any HTTP answer on "/" means ready; a refused connection means not yet (host: IsWorkerReady).</summary>
    public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan timeout, HostLog log, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The custom handler exited with code {_process.ExitCode} before it was ready:\n{log.Text}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{Port}/"), ct);
                return;
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException)
            {
                throw new TimeoutException($"The custom handler did not answer on port {Port} within {timeout} (the host's initialization timeout):\n{log.Text}", ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
