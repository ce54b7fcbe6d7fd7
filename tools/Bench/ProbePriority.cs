using System.Globalization;
using LocalInfra;

namespace Bench;

/// <summary>
/// Lifts the calling thread out of the benchmark's CPU contention: into the root cpu cgroup (cpu-fence.sh may have put
/// the process in a low-weight one; cgroup v1 moves single threads through "tasks") and to SCHED_FIFO priority 10 with
/// chrt. The probe thread sleeps between queries, so it cannot starve anything. Needs root; otherwise it says so once.
/// </summary>
public static class ProbePriority
{
    private static int _reported;

    public static void Raise()
    {
        // "/proc/thread-self" links to "<pid>/task/<tid>": the OS id of this thread, which chrt and cgroups take.
        var tid = Path.GetFileName(new DirectoryInfo("/proc/thread-self").LinkTarget ?? string.Empty);
        var notes = new List<string>();
        try
        {
            File.WriteAllText("/sys/fs/cgroup/cpu/tasks", tid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add($"stays in its cpu cgroup ({e.Message})");
        }

        var chrt = ProcessRunner.RunAsync("chrt", ["-f", "-p", "10", tid]).GetAwaiter().GetResult();
        if (chrt.ExitCode != 0)
        {
            notes.Add($"normal priority (chrt: {chrt.StandardError.Trim()})");
        }

        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"probe thread {tid}: {(notes.Count == 0 ? "real-time priority (SCHED_FIFO 10), root cpu cgroup" : string.Join("; ", notes))}"));
        }
    }
}
