using HostStandIn;
using PecLists.Functions.Hosting;
using PecLists.Functions.Storage;
using LocalInfra;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>The functions app on a real loopback socket, against the fixture's PostgreSQL and Azurite.</summary>
public sealed class InProcessApp : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _dispatchers = [];
    private HttpClient? _dispatcherClient;

    private InProcessApp(WebApplication app, HttpClient http, int port)
    {
        App = app;
        Http = http;
        Port = port;
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public int Port { get; }

    /// <summary>The handler alone: nothing drives the queue trigger, so queued messages stay put for the test to inspect.</summary>
    public static Task<InProcessApp> StartAsync(InfraFixture infra, params string[] settings) => StartCoreAsync(infra, settings, null);

    /// <summary>The handler alone, with services replaced or added after the backend's (e.g. a fake clock).</summary>
    public static Task<InProcessApp> StartAsync(InfraFixture infra, Action<IServiceCollection> configure, params string[] settings) => StartCoreAsync(infra, settings, configure);

    /// <summary>
    /// With the host stand-in's queue listener driving the load function (same host.json, same invocation payload);
    /// <c>--AzureFunctionsJobHost:…</c> settings override host.json as app settings do under the host.
    /// </summary>
    public static Task<InProcessApp> StartWithDispatcherAsync(InfraFixture infra, params string[] settings) => StartWithDispatcherAsync(infra, null, settings);

    /// <param name="infra">The fixture's PostgreSQL and Azurite.</param>
    /// <param name="configure">Extra services (e.g. in-memory telemetry exporters).</param>
    /// <param name="settings">App settings as command-line arguments.</param>
    public static async Task<InProcessApp> StartWithDispatcherAsync(InfraFixture infra, Action<IServiceCollection>? configure, params string[] settings)
    {
        var app = await StartCoreAsync(infra, settings, configure);
        var appSettings = new AppSettings(settings
            .Select(s => s.TrimStart('-').Split('=', 2))
            .Select(p => KeyValuePair.Create(p[0], (string?)p[1]))
            .Append(KeyValuePair.Create(IngestStorageOptions.Section, (string?)infra.Azurite.ConnectionString)));
        var root = new ScriptRoot(Path.GetDirectoryName(RepoPaths.FunctionsDll)!, appSettings);
        app._dispatcherClient = HttpForwarding.CreateClient(root.FunctionTimeout);
        var log = new HostLog(null);
        var invocations = new InvocationDispatcher(app._dispatcherClient, app.Port, root.FunctionTimeout, TimeSpan.FromMinutes(2), log);
        foreach (var dispatcher in QueueTriggerDispatcher.ForApp(root, appSettings, invocations, QueueTriggerDispatcher.DefaultLease, log))
        {
            app._dispatchers.Add(Task.Run(() => dispatcher.RunAsync(app._stopping.Token)));
        }

        return app;
    }

    private static async Task<InProcessApp> StartCoreAsync(InfraFixture infra, string[] settings, Action<IServiceCollection>? configure)
    {
        var port = FreePort.Next();
        var app = FunctionsApp.Build(
        [
            $"--urls=http://127.0.0.1:{port}", $"--ConnectionStrings:Central={infra.CentralConnection}", $"--IngestStorage={infra.Azurite.ConnectionString}",
            .. settings,
        ], configure);
        await app.StartAsync();
        return new InProcessApp(app, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }, port);
    }

    /// <summary>Stops the queue listener first (as the host drains), then the handler.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_dispatchers);
        await App.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        _dispatcherClient?.Dispose();
        await App.DisposeAsync();
        _stopping.Dispose();
    }
}
