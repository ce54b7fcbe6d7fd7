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
        var postmaster = PostmasterPid(server);
        var children = (await ProcessRunner.RunAsync("pgrep", ["-P", postmaster])).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pid in children.Prepend(postmaster))
        {
            await ProcessRunner.RunCheckedAsync("taskset", ["-a", "-p", "-c", cpu.ToString(CultureInfo.InvariantCulture), pid]);
        }

        Console.WriteLine($"central PostgreSQL (postmaster and {children.Length} processes) pinned to CPU {cpu}");
    }

    /// <summary>
    /// Keeps every other process off the cluster's CPU and gives those not descended from this benchmark (or the
    /// cluster) a low CPU weight (tools/Bench/cpu-fence.sh; root and cgroup v1 only). Disposing the result takes it down.
    /// </summary>
    /// <param name="cpu">The cluster's CPU, or -1 for no CPU set aside: only the weight, the cluster sharing every CPU with the benchmark.</param>
    /// <param name="favourCluster">Give the low weight to the benchmark too: only the cluster keeps the normal weight.</param>
    public static async Task<IAsyncDisposable> FenceAsync(PostgresServer server, int cpu, bool favourCluster = false)
    {
        var script = Path.Combine(RepoPaths.Root, "tools", "Bench", "cpu-fence.sh");
        var postmaster = PostmasterPid(server);
        var me = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        string[] arguments = favourCluster ? [script, "favour", postmaster]
            : cpu >= 0 ? [script, "on", postmaster, cpu.ToString(CultureInfo.InvariantCulture), me]
            : [script, "weight", me, postmaster];
        var result = await ProcessRunner.RunCheckedAsync("bash", arguments);
        Console.Write(result.StandardOutput);
        return new Fence(script);
    }

    /// <summary>The first line of postmaster.pid: the postmaster's process id (pg_ctl detaches it from the benchmark).</summary>
    private static string PostmasterPid(PostgresServer server) =>
        File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First().Trim();

    private sealed class Fence(string script) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => Console.Write((await ProcessRunner.RunCheckedAsync("bash", [script, "off"])).StandardOutput);
    }
}
