using PecLists.Functions.Http;

namespace PecLists.Functions.Hosting;

/// <summary>The request pipeline every API shares, in order: problem details for failures, then who is calling, then how often.</summary>
public static class BackendMiddleware
{
    public static WebApplication UseBackendMiddleware(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(Problems.ForStatusCodeAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
