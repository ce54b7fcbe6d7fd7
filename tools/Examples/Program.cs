using Examples;

// scripts/example.sh <name> [options]: one of examples/ on this machine, end to end, or the usuarios workload alone.
var arguments = new Arguments(args);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    return arguments.Command switch
    {
        "brt-gps" => await BrtGpsExample.RunAsync(arguments, stop.Token),
        "paginated-api" => await PaginatedApiExample.RunAsync(arguments, stop.Token),
        "usuarios-mirror" => await UsuariosMirrorExample.RunAsync(arguments, stop.Token),
        "usuarios-workload" => await WorkloadCommand.RunAsync(arguments, stop.Token),
        _ => Usage(),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return Usage();
}

static int Usage()
{
    Console.Error.WriteLine(
        """
        usage: scripts/example.sh <example> [options]
          brt-gps          [--minutes 3] [--minute-seconds 6]   Rio's BRT GPS feed (a local fake), polled every minute, delivered every 10, appended
          paginated-api                                         a Disney-like paginated API read whole, one column hashed, a view
          usuarios-mirror  [--minutes 2] [--speedup 20]         a usuarios table changing at 150,000 changes a day (sped up) mirrored incrementally
          usuarios-workload --connection <npgsql connection string> [--create] [--seed-rows 10000]
                           [--changes-per-day 150000] [--speedup 1] [--minutes 60]
                                                                the load generator alone, against any PostgreSQL
        """);
    return 2;
}
