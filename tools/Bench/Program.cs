using Bench;

// dotnet tools/Bench/bin/Release/net10.0/Bench.dll load [--rows 200000] [--runs 3]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll firstload [--rows 100000] [--runs 3]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll extract [--rows 1000000]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll storm [--sites 100] [--citizens 1000] [--batch 8] [--central-cpu N]
//   (under taskset -c 1 with --central-cpu 0: the central PostgreSQL alone on CPU 0, everything else on CPU 1)
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll ingest [--puts 10000] [--clients 64] [--sites 100]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll http [--rows 1000000]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll fleet [--sites 650] [--days 365] [--runs 5]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll deliveries [--rows 200000] [--runs 3]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll resume [--mb 300] [--mbit 40]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll usuarios [--rows 1000000] [--changes-per-day 150000] [--lag-minutes 5] [--changes-per-minute 600]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll unchanged [--rows 200000] [--runs 3]
// dotnet tools/Bench/bin/Release/net10.0/Bench.dll nation [--scale 0.01] [--arrival both|spread|burst] [--morning-hours 2] [--time-factor SCALE] [--batch 8] [--data DIR] [--new-batch-threshold N] [--central-cpu N] [--wal-compression on|lz4|zstd] [--fillfactor N] [--fence] [--favour-central] [--shared-buffers 2GB]
var command = args.FirstOrDefault() ?? "load";
var rows = IntArg("--rows", 200_000);
var runs = IntArg("--runs", 3);
return command switch
{
    "load" => await LoadBenchmark.RunAsync(rows, runs),
    "firstload" => await FirstLoadBenchmark.RunAsync(IntArg("--rows", 100_000), runs),
    "extract" => await ExtractBenchmark.RunAsync(IntArg("--rows", 1_000_000)),
    "storm" => await StormBenchmark.RunAsync(IntArg("--sites", 100), IntArg("--citizens", 1000), IntArg("--batch", 8), IntArg("--central-cpu", -1)),
    "ingest" => await IngestBenchmark.RunAsync(IntArg("--puts", 10_000), IntArg("--clients", 64), IntArg("--sites", 100)),
    "http" => await HttpBenchmark.RunAsync(IntArg("--rows", 1_000_000)),
    "fleet" => await FleetBenchmark.RunAsync(IntArg("--sites", 650), IntArg("--days", 365), IntArg("--runs", 5)),
    "deliveries" => await DeliveryBenchmark.RunAsync(rows, runs),
    "resume" => await ResumeBenchmark.RunAsync(IntArg("--mb", 300), IntArg("--mbit", 40)),
    "usuarios" => await UsuariosBenchmark.RunAsync(IntArg("--rows", 1_000_000), IntArg("--changes-per-day", 150_000), IntArg("--lag-minutes", 5), IntArg("--changes-per-minute", 600)),
    "unchanged" => await UnchangedBenchmark.RunAsync(rows, runs),
    "nation" => await NationBenchmark.RunAsync(
        DoubleArg("--scale", 0.01), StringArg("--arrival") ?? "both", DoubleArg("--morning-hours", 2), DoubleArg("--time-factor", DoubleArg("--scale", 0.01)), IntArg("--batch", 8), StringArg("--data"), IntArg("--new-batch-threshold", -1),
        IntArg("--central-cpu", -1), StringArg("--wal-compression") ?? "on", IntArg("--fillfactor", 0), args.Contains("--fence"), args.Contains("--favour-central"), StringArg("--shared-buffers")),
    _ => Usage(),
};

int IntArg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

double DoubleArg(string name, double fallback) =>
    StringArg(name) is { } value ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

string? StringArg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Bench load [--rows N] [--runs N] | Bench firstload [--rows N] [--runs N] | Bench extract [--rows N] | Bench storm [--sites N] [--citizens N] [--batch N] [--central-cpu N] | Bench ingest [--puts N] [--clients N] [--sites N] | Bench http [--rows N] | Bench fleet [--sites N] [--days N] [--runs N] | Bench deliveries [--rows N] [--runs N] | Bench resume [--mb N] [--mbit N] | Bench usuarios [--rows N] [--changes-per-day N] [--lag-minutes N] [--changes-per-minute N] | Bench unchanged [--rows N] [--runs N] | Bench nation [--scale F] [--arrival both|spread|burst] [--morning-hours H] [--time-factor F] [--batch N] [--data DIR] [--new-batch-threshold N] [--central-cpu N] [--wal-compression on|lz4|zstd] [--fillfactor N] [--fence] [--favour-central] [--shared-buffers 2GB]");
    return 2;
}
