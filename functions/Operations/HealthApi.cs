using PecLists.Contracts;

namespace PecLists.Functions.Operations;

/// <summary>What answers without a credential: readiness for the host, the OpenAPI document, and health.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        // Readiness: the host waits for any answer on "/" before sending invocations.
        app.MapGet("/", () => TypedResults.Ok(new { status = "ready" })).ExcludeFromDescription();
        app.MapOpenApi(ApiRoutes.OpenApi);

        // Reachability for the uploader's doctor and for probes, no credential: always 200 (the network path works),
        // "degraded" naming what is down. Checks are short and cached (see HealthReporter).
        app.MapGet(ApiRoutes.Health, async (HealthReporter health) => TypedResults.Ok(await health.GetAsync())).AllowAnonymous().WithName("Health");
        return app;
    }
}
