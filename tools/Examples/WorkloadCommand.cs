using LocalInfra.Usuarios;

namespace Examples;

/// <summary>
/// <c>usuarios-workload</c>: the load generator alone, against any PostgreSQL the caller names (a staging copy of the
/// application, a benchmark database): optionally creates the table and seeds it, then changes it at the given rate,
/// printing a line a minute.
/// </summary>
public static class WorkloadCommand
{
    public static async Task<int> RunAsync(Arguments arguments, CancellationToken ct)
    {
        var connection = arguments.Text("--connection") ?? throw new ArgumentException("--connection is required");
        if (arguments.Has("--create"))
        {
            await UsuariosSchema.CreateAsync(connection, ct);
        }

        var options = new UsuariosWorkloadOptions { ChangesPerDay = (int)arguments.Number("--changes-per-day", 150_000), Speedup = arguments.Number("--speedup", 1) };
        var workload = new UsuariosWorkload(connection, options);
        if (arguments.Has("--seed-rows"))
        {
            await workload.SeedAsync((int)arguments.Number("--seed-rows", 10_000), ct);
        }

        var duration = TimeSpan.FromMinutes(arguments.Number("--minutes", 60));
        Console.WriteLine($"{options.ChangesPerDay * options.Speedup / 86_400:F2} changes a second for {duration.TotalMinutes:F0} minute(s); Ctrl+C stops");
        var lastPrinted = DateTime.UtcNow;
        var count = 0;
        var printing = new Lock();
        await workload.RunAsync(duration, _ =>
        {
            var committed = Interlocked.Increment(ref count); // late commits report from their own tasks
            lock (printing)
            {
                if (DateTime.UtcNow - lastPrinted >= TimeSpan.FromMinutes(1))
                {
                    lastPrinted = DateTime.UtcNow;
                    Console.WriteLine($"{DateTime.Now:HH:mm:ss} {committed} changes committed");
                }
            }
        }, ct);
        Console.WriteLine($"{workload.Changes.Count} changes committed: {string.Join(", ", workload.Changes.GroupBy(c => c.Kind).Select(g => $"{g.Count()} {g.Key}"))}");
        return 0;
    }
}
