using PecLists.Functions.Ingest;
using PecLists.Functions.Loading;
using PecLists.Functions.Operations;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Hosting;

/// <summary>Builds the custom handler: Kestrel binding, the backend's services, its middleware and its APIs. No I/O happens at start-up.</summary>
public static class FunctionsApp
{
    /// <param name="args">Command-line settings.</param>
    /// <param name="configure">Extra services after the backend's (tests add in-memory telemetry exporters here).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.ConfigureCustomHandlerUrl();
        builder.Services.AddBackendServices(builder.Configuration);
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseBackendMiddleware();
        app.MapAdminApi();
        app.MapHealthApi();
        app.MapSiteApi();
        app.MapLoadFunction();
        app.MapSweepFunction();
        app.MapFleetMetricsFunction();
        app.MapRetentionFunction();
        return app;
    }

    /// <summary>Serves until stopped. A bad setting stops it first, one line per broken rule on stderr, exit code 1.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken ct)
    {
        WebApplication app;
        try
        {
            // Kestrel reads its limits (Ingest settings) while the app is built; the rest is what the host checks
            // first when it starts (ValidateOnStart), done here to answer with the broken rules alone.
            app = Build(args);
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException invalid)
        {
            foreach (var failure in invalid.Failures)
            {
                await error.WriteLineAsync(failure);
            }

            return 1;
        }

        await app.RunAsync(ct);
        return 0;
    }

    /// <summary>Under the Functions host: 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT. Alone: the configured URL.</summary>
    public static void ConfigureCustomHandlerUrl(this WebApplicationBuilder builder)
    {
        var port = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        if (!string.IsNullOrEmpty(port))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071");
        }
    }
}
