using PecLists.Functions.Http;
using PecLists.Functions.Telemetry;

namespace PecLists.Functions.Hosting;

/// <summary>The request pipeline every API shares, in order: the host's invocation id on every log, problem details for failures, then who is calling, then how often.</summary>
public static class BackendMiddleware
{
    public static WebApplication UseBackendMiddleware(this WebApplication app)
    {
        app.UseInvocationScope();
        app.UseExceptionHandler();
        app.UseStatusCodePages(Problems.ForStatusCodeAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
