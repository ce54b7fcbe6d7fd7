using Ingest.Contracts;
using Ingest.Functions.Data;
using Ingest.Functions.Hosting;
using Ingest.Functions.Http;
using Ingest.Functions.Ingest;
using Ingest.Functions.Lists;
using Ingest.Functions.Loading;
using Ingest.Functions.Operations;
using Ingest.Functions.Sites;
using Ingest.Functions.Snapshots;
using Ingest.Functions.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ingest.Functions.Hosting;

/// <summary>Builds the custom handler: services, Kestrel binding and endpoints. No I/O happens at start-up.</summary>
public static class FunctionsApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.ConfigureCustomHandlerUrl();
        builder.Services.AddIngestServices(builder.Configuration);

        var app = builder.Build();
        app.MapFunctionEndpoints();
        return app;
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

        builder.WebHost.ConfigureKestrel(kestrel => KestrelLimits.Apply(kestrel, builder.Configuration));
    }

    public static IServiceCollection AddIngestServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestOptions.Section));
        services.AddOptions<LoadOptions>().Bind(configuration.GetSection(LoadOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => CentralDatabase.Create(configuration));
        services.AddIngestStorage();
        services.AddSingleton<ListCatalog>();
        services.AddSingleton<SnapshotLedger>();
        services.AddSingleton<SnapshotIngestor>();
        services.AddSingleton<SnapshotLoader>();
        services.AddSingleton<Replayer>();
        services.AddSingleton<HealthReporter>();
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestBodyHandler>();
        services.AddIngestRateLimits(configuration);
        services.AddOpenApi();
        services.AddHttpClient();
        services.AddAuthentication(SiteTokenAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, SiteTokenAuthentication>(SiteTokenAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy("site", policy => policy.AddAuthenticationSchemes(SiteTokenAuthentication.SchemeName).RequireClaim(SiteTokenAuthentication.SiteClaim))
            .AddPolicy("admin", policy => policy.AddAuthenticationSchemes(SiteTokenAuthentication.SchemeName).RequireClaim(SiteTokenAuthentication.AdminClaim));
        return services;
    }

    public static WebApplication MapFunctionEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Routing-level answers (no such route, wrong method) get problem+json with a stable code too.
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var code = status switch { 404 => "not-found", 405 => "method-not-allowed", _ => $"http-{status}" };
            await Problems.Write(context.HttpContext, status, code, ReasonPhrases.GetReasonPhrase(status));
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        // Readiness: the host waits for any answer on "/" before sending invocations.
        app.MapGet("/", () => TypedResults.Ok(new { status = "ready" })).ExcludeFromDescription();
        app.MapOpenApi("/api/v1/openapi.json");

        app.MapGroup("/api/v1/admin").RequireAuthorization("admin").MapAdminApi().ProducesProblem(401).ProducesProblem(403);

        // Reachability for the uploader's doctor and for probes, no credential: always 200 (the network path works),
        // "degraded" naming what is down. Checks are short and cached (see HealthReporter).
        app.MapGet("/api/v1/health", async (HealthReporter health) => TypedResults.Ok(await health.GetAsync())).AllowAnonymous().WithName("Health");

        var v1 = app.MapGroup("/api/v1").RequireAuthorization("site").RequireRateLimiting(RateLimits.PerSite);
        v1.MapPut("/lists/{list}/snapshots/{snapshotId}",
                (HttpContext context, string list, string snapshotId, SnapshotIngestor ingestor) =>
                    ingestor.PutAsync(context, context.User.Site(), list, snapshotId))
            .WithName("PutSnapshot")
            .Accepts<Stream>(WireNames.CsvMediaType)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(409).ProducesProblem(411).ProducesProblem(413).ProducesProblem(415);
        v1.MapGet("/snapshots/{snapshotId}",
                (HttpContext context, string snapshotId, SnapshotLedger ledger) =>
                    ReadEndpoints.SnapshotStatusAsync(context, context.User.Site(), snapshotId, ledger))
            .WithName("GetSnapshotStatus")
            .Produces<SnapshotStatusDto>()
            .ProducesProblem(404);
        v1.MapPost("/heartbeats",
                (HttpContext context, NpgsqlDataSource database, TimeProvider time) => HeartbeatEndpoint.HandleAsync(context, context.User.Site(), database, time))
            .WithName("PostHeartbeat")
            .Accepts<HeartbeatDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(429);
        v1.MapGet("/lists", (HttpContext context, ListCatalog catalog) => ReadEndpoints.ListDefinitionsAsync(context, context.User.Site(), catalog))
            .WithName("GetListDefinitions")
            .Produces<ListCatalogDto>();

        // Queue-triggered function, called by the Functions host (or the local dispatcher) on loopback only.
        app.MapPost("/" + LoadFunction.Name,
                ([FromBody] InvocationRequest invocation, SnapshotLoader loader, LoadQueue queue, IOptions<LoadOptions> options, ILoggerFactory loggers, CancellationToken ct) =>
                    LoadFunction.InvokeAsync(invocation, loader, queue, options, loggers, ct))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
