using PecLists.Functions.Http;

namespace PecLists.Functions.Operations;

/// <summary>
/// POST /retention: the timer-triggered "retention" function (daily, retention/function.json). Like the sweeper it
/// reads nothing from the timer's payload; a failure is a 500 the host logs, and the next run goes on where it stopped.
/// </summary>
public static class RetentionFunction
{
    public const string Name = "retention";

    /// <summary>Called by the Functions host (or the stand-in) on loopback only, like /load.</summary>
    public static IEndpointRouteBuilder MapRetentionFunction(this IEndpointRouteBuilder app)
    {
        app.MapHostFunction(Name, (Retention retention, CancellationToken ct) => InvokeAsync(retention, ct));
        return app;
    }

    public static async Task<IResult> InvokeAsync(Retention retention, CancellationToken ct)
    {
        var report = await retention.RunAsync(ct);
        return TypedResults.Ok(new InvocationResponse(
            new Dictionary<string, object?>
            {
                ["heartbeats"] = report.Heartbeats,
                ["snapshots"] = report.Snapshots,
                ["audit"] = report.Audit,
                ["heldCopies"] = report.HeldCopies,
                ["more"] = report.More,
            },
            [$"retention: {report}"],
            "kept"));
    }
}
