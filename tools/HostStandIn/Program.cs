using HostStandIn;

// Runs a function app locally the way the Functions host would:
//   dotnet HostStandIn.dll --script-root functions/bin/Release/net10.0 [--port 7071]
// App settings come from this process's environment, as in Azure.
var scriptRoot = ArgumentValue("--script-root") ?? Environment.CurrentDirectory;
var port = int.Parse(ArgumentValue("--port") ?? "7071", System.Globalization.CultureInfo.InvariantCulture);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// SIGTERM (kill, timeout, systemd) stops it the same way: without this only the HTTP front stopped and the listeners ran on.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

await using var host = await FunctionsHostStandIn.StartAsync(new StandInOptions
{
    ScriptRoot = scriptRoot,
    Port = port,
    AppSettings = AppSettings.FromEnvironment().Values.ToDictionary(),
    OnLog = Console.WriteLine,
});
await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
return 0;

string? ArgumentValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
