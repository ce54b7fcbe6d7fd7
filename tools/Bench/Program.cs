using Bench;

// dotnet tools/Bench/bin/Release/net10.0/Bench.dll load [--rows 200000] [--runs 3]
var command = args.FirstOrDefault() ?? "load";
var rows = IntArg("--rows", 200_000);
var runs = IntArg("--runs", 3);
return command switch
{
    "load" => await LoadBenchmark.RunAsync(rows, runs),
    _ => Usage(),
};

int IntArg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Bench load [--rows N] [--runs N]");
    return 2;
}
