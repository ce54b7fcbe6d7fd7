using LocalInfra;
using LocalInfra.Usuarios;

namespace Examples;

/// <summary>
/// examples/usuarios-mirror on this machine: the application's database with 10,000 users, changed by the workload
/// (150,000 changes a day, sped up) while the real <c>uploader watch</c> mirrors it every schedule minute (6 s here);
/// then a day passes for the key set, one more run removes the rows deleted outright, and the central table is compared
/// with the source with the masks applied, value by value. Prints the lag and the comparison.
/// </summary>
public static class UsuariosMirrorExample
{
    public static async Task<int> RunAsync(Arguments arguments, CancellationToken ct)
    {
        var minutes = arguments.Number("--minutes", 2);
        var speedup = arguments.Number("--speedup", 20);
        Console.WriteLine("starting PostgreSQL, Azurite and the function app behind the host stand-in…");
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] }, ct);
        var mirror = await UsuariosMirror.SetUpAsync(pipeline, "3550308", seedRows: 10_000, minuteSeconds: 6, ct);
        Console.WriteLine($"application database: {mirror.AdminConnection}; central: {pipeline.CentralConnection}");
        var workload = new UsuariosWorkload(mirror.AdminConnection, new UsuariosWorkloadOptions { Speedup = speedup });

        await using (LocalPipeline.StartWatch(mirror.Site, line => Console.WriteLine("uploader | " + line)))
        {
            while (await mirror.CentralCountAsync(ct) < 10_000)
            {
                await Task.Delay(500, ct);
            }

            Console.WriteLine($"workload   | {150_000 * speedup / 86_400:F1} changes a second (150,000 a day × {speedup}) for {minutes} minute(s)");
            await workload.RunAsync(TimeSpan.FromMinutes(minutes), ct: ct);
            Console.WriteLine($"workload   | {workload.Changes.Count} changes committed; waiting for the mirror to catch up");
            while ((await MirrorLag.MeasureAsync(pipeline.CentralConnection, mirror.Site.Ibge, UsuariosMirror.List, workload.Changes, ct)).NotYetVisible > 0)
            {
                await Task.Delay(500, ct);
            }
        }

        Console.WriteLine(await MirrorLag.MeasureAsync(pipeline.CentralConnection, mirror.Site.Ibge, UsuariosMirror.List, workload.Changes, ct));
        Console.WriteLine($"before the day's key set: {(await mirror.DifferencesAsync(ct)).Count} central row(s) differ from the source (rows deleted outright wait for it)");
        await mirror.LetTheKeySetPeriodPassAsync(ct);
        Console.WriteLine("a day later (the key-set period made to pass): uploader run");
        var run = await pipeline.RunUploaderAsync(mirror.Site, ct: ct);
        Console.WriteLine(run.Combined);
        await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(2), ct: ct);
        var differences = await mirror.DifferencesAsync(ct);
        Console.WriteLine(differences.Count == 0
            ? $"central lists.usuarios equals the source's live rows with cpf and email hashed and telefone cut to its last 4, value by value ({await mirror.CentralCountAsync(ct)} rows)"
            : $"{differences.Count} difference(s): {string.Join("; ", differences.Take(10))}");
        return differences.Count == 0 && run.ExitCode == 0 ? 0 : 1;
    }
}
