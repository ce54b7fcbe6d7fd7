using System.Globalization;
using LocalInfra;

namespace Bench;

/// <summary>
/// Best-effort separation on a small machine: run the benchmark under <c>taskset -c 1</c> (so everything it starts is
/// on CPU 1), then move the central cluster to another CPU, as if the central server were its own machine. New
/// backends fork from the postmaster and inherit its CPU. Other users' processes still run anywhere.
/// </summary>
public static class CpuPinning
{
    public static async Task PinClusterAsync(PostgresServer server, int cpu)
    {
        var postmaster = File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First().Trim();
        var children = (await ProcessRunner.RunAsync("pgrep", ["-P", postmaster])).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pid in children.Prepend(postmaster))
        {
            await ProcessRunner.RunCheckedAsync("taskset", ["-a", "-p", "-c", cpu.ToString(CultureInfo.InvariantCulture), pid]);
        }

        Console.WriteLine($"central PostgreSQL (postmaster and {children.Length} processes) pinned to CPU {cpu}");
    }
}
