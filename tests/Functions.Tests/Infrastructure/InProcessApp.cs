using Ingest.Functions.Hosting;
using LocalInfra;
using Microsoft.AspNetCore.Builder;

namespace Ingest.Functions.Tests.Infrastructure;

/// <summary>The functions app on a real loopback socket, against the fixture's PostgreSQL and Azurite.</summary>
public sealed class InProcessApp : IAsyncDisposable
{
    private InProcessApp(WebApplication app, HttpClient http)
    {
        App = app;
        Http = http;
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    /// <summary>HTTP only: the local queue dispatcher stays off, so queued messages stay put for the test to inspect.</summary>
    public static Task<InProcessApp> StartAsync(InfraFixture infra, params string[] settings) =>
        StartCoreAsync(infra, ["--LocalDispatcher:Enabled=false", .. settings]);

    /// <summary>With the local dispatcher playing the Functions host's queue trigger.</summary>
    public static Task<InProcessApp> StartWithDispatcherAsync(InfraFixture infra, params string[] settings) =>
        StartCoreAsync(infra, settings);

    private static async Task<InProcessApp> StartCoreAsync(InfraFixture infra, string[] settings)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var app = FunctionsApp.Build(
        [
            $"--urls={url}", $"--ConnectionStrings:Central={infra.CentralConnection}", $"--IngestStorage={infra.Azurite.ConnectionString}",
            .. settings,
        ]);
        await app.StartAsync();
        return new InProcessApp(app, new HttpClient { BaseAddress = new Uri(url) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
