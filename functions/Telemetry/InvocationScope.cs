namespace PecLists.Functions.Telemetry;

/// <summary>
/// Every log and business event written while the host's invocation runs carries its id as the dimension
/// <c>invocationId</c>: the Functions host sends it as X-Azure-Functions-InvocationId on each call to the handler
/// (azure-functions-host src/WebJobs.Script/Workers/Http/DefaultHttpWorkerService.cs AddHeaders, HttpWorkerConstants),
/// and writes it on its own requests row (customDimensions.InvocationId), so the two join in App Insights.
/// </summary>
public static class InvocationScope
{
    public const string Header = "X-Azure-Functions-InvocationId";

    public static WebApplication UseInvocationScope(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InvocationScope));
        app.Use(async (context, next) =>
        {
            var id = context.Request.Headers[Header].ToString();
            if (!Guid.TryParse(id, out var invocationId))
            {
                await next(context);
                return;
            }

            using (logger.BeginScope(new Dictionary<string, object?> { [TelemetryNames.InvocationId] = invocationId.ToString("D") }))
            {
                await next(context);
            }
        });
        return app;
    }
}
